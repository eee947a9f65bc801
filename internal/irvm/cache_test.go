package irvm

import (
	"context"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// A pure function's value is kept under the arguments it was called with,
// not those of the calls it made in turn (which reuse the argument buffer).
func TestPureValuesKeptUnderTheirArguments(t *testing.T) {
	ctx := context.Background()
	m := ast.MustParseModuleWithOpts(`package t
_g(y) := y + 1
_f(x) := _g(x + 1) * 2
p := _f(input.x)`, ast.ParserOptions{RegoVersion: ast.RegoV1})
	prog, err := Plan(ctx, map[string]*ast.Module{"t.rego": m}, []string{"t/p"})
	if err != nil {
		t.Fatal(err)
	}
	q, err := prog.Query("t/p")
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		res, err := q.Eval(ctx, ast.MustParseTerm(`{"x": 1}`).Value)
		if err != nil || res.Values[0].String() != "6" {
			t.Fatalf("got %v, %v; want 6", res.Values, err)
		}
	}
	found := map[string]string{}
	for _, entries := range q.pure.entries {
		for _, en := range entries {
			found[prog.funcs[en.fn].name] = ast.NewArray(en.args...).String()
		}
	}
	if found["g0.data.t._f"] != "[1]" || found["g0.data.t._g"] != "[2]" {
		t.Errorf("kept %v, want _f under [1] and _g under [2]", found)
	}
}

// A full cache starts over rather than growing or refusing new values.
func TestPureCacheStartsOverWhenFull(t *testing.T) {
	c := &pureCache{limit: 2}
	arg := func(i int) []*ast.Term { return []*ast.Term{ast.InternedTerm(i)} }
	for i := range 3 {
		c.put(0, i, arg(i), ast.InternedTerm(i*10))
	}
	if _, ok := c.get(0, 0, arg(0)); ok {
		t.Error("the first value survived a full cache")
	}
	if v, ok := c.get(0, 2, arg(2)); !ok || v.String() != "20" {
		t.Errorf("the newest value: got %v, %v", v, ok)
	}
	if c.size != 1 {
		t.Errorf("size %d after starting over, want 1", c.size)
	}
}

// A rule that reads no input is kept under no arguments, and a function that
// reads it is kept under its own; a rule that reads input is not kept.
func TestConstantRulesKept(t *testing.T) {
	ctx := context.Background()
	m := ast.MustParseModuleWithOpts(`package t
_words := {"FILE", "PATH"}
_named(x) if not x in _words
_upper := upper(input.s)
p := [_named(input.s), _upper]`, ast.ParserOptions{RegoVersion: ast.RegoV1})
	prog, err := Plan(ctx, map[string]*ast.Module{"t.rego": m}, []string{"t/p"})
	if err != nil {
		t.Fatal(err)
	}
	q, err := prog.Query("t/p")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"A", "B"} {
		if _, err := q.Eval(ctx, ast.MustParseTerm(`{"s": "`+s+`"}`).Value); err != nil {
			t.Fatal(err)
		}
	}
	kept := map[string]int{}
	for _, entries := range q.pure.entries {
		for _, en := range entries {
			kept[prog.funcs[en.fn].name]++
		}
	}
	for name, want := range map[string]int{"g0.data.t._named": 2, "g0.data.t._upper": 0, "g0.data.t.p": 0} {
		if kept[name] != want {
			t.Errorf("%s kept %d times, want %d (kept: %v)", name, kept[name], want, kept)
		}
	}
}
