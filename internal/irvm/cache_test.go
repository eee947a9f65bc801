package irvm

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
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

// A full cache's entries become the older generation: those asked for
// before the next one fills up stay, the others go.
func TestPureCacheKeepsWhatIsAskedFor(t *testing.T) {
	c := &pureCache{limit: 3}
	arg := func(i int) []*ast.Term { return []*ast.Term{ast.InternedTerm(i)} }
	put := func(i int) { c.put(i, pureEntry{fn: 0, args: arg(i), result: ast.InternedTerm(i * 10)}) }
	for i := range 4 {
		put(i) // 3 finds the cache full: 0, 1 and 2 become the older generation
	}
	if _, ok := c.get(0, 0, arg(0)); !ok { // moves 0 back
		t.Fatal("the older generation lost 0")
	}
	put(4)
	put(5) // full again: 3, 0 and 4 become the older generation, 1 and 2 go
	for _, tc := range []struct {
		arg  int
		kept bool
	}{
		{arg: 1, kept: false},
		{arg: 2, kept: false},
		{arg: 0, kept: true},
		{arg: 3, kept: true},
		{arg: 4, kept: true},
		{arg: 5, kept: true},
	} {
		en, ok := c.get(0, tc.arg, arg(tc.arg))
		if ok != tc.kept || ok && en.result.String() != ast.InternedTerm(tc.arg*10).String() {
			t.Errorf("value under %d: got %v, %v; want kept %v", tc.arg, en.result, ok, tc.kept)
		}
	}
	if c.size > 3 || len(c.older) > 3 {
		t.Errorf("sizes %d and %d, want at most the limit of 3 each", c.size, len(c.older))
	}
}

// Workers share one cache and compare arguments outside its lock: under
// -race, values put, found and moved back between generations by several
// goroutines at once are each found under their own arguments only.
func TestPureCacheSharedByWorkers(t *testing.T) {
	c := &pureCache{limit: 8}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 2000 {
				key := (i*7 + w) % 24
				hash := key % 5 // several arguments under one hash
				args := []*ast.Term{ast.StringTerm(fmt.Sprint("arg", key))}
				if en, ok := c.get(0, hash, args); ok {
					if want := ast.IntNumberTerm(key); !en.result.Equal(want) {
						t.Errorf("value under %d: got %v, want %v", key, en.result, want)
						return
					}
					continue
				}
				c.put(hash, pureEntry{fn: 0, args: args, result: ast.IntNumberTerm(key)})
			}
		})
	}
	wg.Wait()
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

// A function's values are kept where they are asked for again: in the
// query's cache when other evaluations ask for them, in the evaluator when
// only the evaluation that worked them out does, nowhere when none does;
// and every evaluation gets the same values whichever way they are kept.
func TestPureValuesKeptWhereAskedFor(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		rules  string
		x      func(i int) int
		want   int32
		shared bool // whether the query's cache holds the function's values, rather than none of the last evaluations'
	}{
		{name: "asked for by other evaluations", rules: "p := _f(input.x)", x: func(i int) int { return i % 3 }, want: pureShared, shared: true},
		{name: "asked for again in its evaluation only", rules: "a := _f(input.x)\nb := _f(input.x)\np := [a, b]", x: func(i int) int { return i }, want: pureLocal},
		{name: "never asked for again", rules: "p := _f(input.x)", x: func(i int) int { return i }, want: pureOff},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := ast.MustParseModuleWithOpts("package t\n_f(x) := x * 10\n"+tt.rules, ast.ParserOptions{RegoVersion: ast.RegoV1})
			prog, err := Plan(ctx, map[string]*ast.Module{"t.rego": m}, []string{"t/p"})
			if err != nil {
				t.Fatal(err)
			}
			q, err := prog.Query("t/p")
			if err != nil {
				t.Fatal(err)
			}
			f := slices.IndexFunc(prog.funcs, func(fn *function) bool { return fn.name == "g0.data.t._f" })
			if f < 0 || !prog.funcs[f].pure {
				t.Fatalf("no pure function _f among %d", len(prog.funcs))
			}
			for i := range 3 * pureProbe {
				x := tt.x(i)
				res, err := q.Eval(ctx, ast.MustParseTerm(fmt.Sprintf(`{"x": %d}`, x)).Value)
				if err != nil || !strings.Contains(res.Values[0].String(), fmt.Sprint(x*10)) {
					t.Fatalf("evaluation %d: got %v, %v; want %d", i, res.Values, err, x*10)
				}
			}
			if got := q.pure.stats[f].mode.Load(); got != tt.want {
				t.Errorf("mode %d, want %d", got, tt.want)
			}
			kept, late := 0, 0
			for _, gen := range []map[int][]pureEntry{q.pure.entries, q.pure.older} {
				for _, entries := range gen {
					for _, en := range entries {
						if en.fn == f {
							kept++
						}
						if en.fn == f && en.eval > uint64(2*pureProbe) {
							late++
						}
					}
				}
			}
			if tt.shared && kept == 0 || !tt.shared && late > 0 {
				t.Errorf("the query's cache holds %d values, %d of the last evaluations; want it to hold them: %v", kept, late, tt.shared)
			}
		})
	}
}
