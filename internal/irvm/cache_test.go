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
