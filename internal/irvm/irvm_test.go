package irvm_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"

	"github.com/slotwise/slotcheck/internal/irvm"
)

// Each case is a policy, a rule and inputs; the program must give what OPA's
// topdown gives: the same value (or none) and the same built-in errors.
var cases = []struct {
	name   string
	module string
	rule   string
	inputs []string
}{
	{
		name: "complete rule with else",
		module: `package t
p := "big" if input.n > 10
else := "small" if input.n >= 0
else := "negative"`,
		rule:   "p",
		inputs: []string{`{"n": 11}`, `{"n": 3}`, `{"n": -1}`, `{}`, `{"n": "x"}`},
	},
	{
		name: "partial set over arrays, objects and sets",
		module: `package t
p contains [i, x] if some i, x in input.list
p contains [k, v] if some k, v in input.obj
p contains x if some x in {1, 2, input.n}`,
		rule:   "p",
		inputs: []string{`{"list": [1, "a", null], "obj": {"b": 2, "a": 1}, "n": 3}`, `{"list": "scalar", "obj": 7}`, `{}`},
	},
	{
		// A literal whose keys are distinct constants is made in one go; one
		// with a key read from input, which may equal another, is not.
		name: "object literals, constant and input keys",
		module: `package t
p contains {"msg": sprintf("%s", [x]), "path": ["a", x], "n": 1} if some x in input.xs
p contains {input.k: 1, "b": 2} if input.k
p contains {"a": input.v, "b": {"c": input.v}} if input.v`,
		rule:   "p",
		inputs: []string{`{"xs": ["x", "y"], "k": "b", "v": 1}`, `{"k": "z", "v": [1]}`, `{"xs": [], "k": 3}`, `{}`},
	},
	{
		name: "negation and functions",
		module: `package t
_even(n) if n % 2 == 0
_kind(x) := "string" if is_string(x)
_kind(x) := "number" if is_number(x)
p contains x if {
	some x in input.xs
	not _even(x)
}
q contains _kind(x) if some x in input.xs`,
		rule:   "p",
		inputs: []string{`{"xs": [1, 2, 3, 4, 5]}`, `{"xs": []}`, `{"xs": ["a", 1]}`},
	},
	{
		name: "every",
		module: `package t
p if {
	every x in input.xs { x > 0 }
}
q contains k if {
	some k, v in input.objs
	every n, m in v { n != m }
}`,
		rule:   "p",
		inputs: []string{`{"xs": [1, 2]}`, `{"xs": [1, 0]}`, `{"xs": []}`, `{}`},
	},
	{
		name: "every nested in a scan",
		module: `package t
q contains k if {
	some k, v in input.objs
	every n, m in v { n != m }
}`,
		rule:   "q",
		inputs: []string{`{"objs": {"a": {"x": "y"}, "b": {"x": "x"}, "c": {}}}`},
	},
	{
		name: "comprehensions keep order",
		module: `package t
p := {"arr": [y | some x in input.xs; y := x * 2], "set": {x | some x in input.xs}, "obj": {k: v | some k, v in input.o; v != 2}}`,
		rule:   "p",
		inputs: []string{`{"xs": [3, 1, 2, 1], "o": {"z": 1, "a": 2, "m": 3}}`, `{"xs": [], "o": {}}`},
	},
	{
		name: "built-in errors make a call undefined",
		module: `package t
p contains units.parse(q) if some q in input.qs
r := count(input.qs)`,
		rule:   "p",
		inputs: []string{`{"qs": ["1Gi", "2x", "500m", "nope"]}`, `{"qs": []}`},
	},
	{
		name: "object.get paths and defaults",
		module: `package t
p := [object.get(input, ["a", "b", 0, "c"], "none"), object.get(input, "a", {}), object.get(input, ["x"], null)]`,
		rule:   "p",
		inputs: []string{`{"a": {"b": [{"c": 1}]}}`, `{"a": {"b": []}}`, `{"a": null}`, `{}`},
	},
	{
		name: "constant collections and literals built from variables",
		module: `package t
p contains msg if {
	some c in input.cs
	not c.kind in {"Job", "CronJob"}
	path := ["spec", "containers", c.name]
	table := {"Pod": ["spec"], "Job": ["spec", "template"]}
	msg := {"path": array.concat(path, table[c.kind]), "at": {"kind": c.kind, "fixed": ["a", "b"]}}
}`,
		rule:   "p",
		inputs: []string{`{"cs": [{"kind": "Pod", "name": "a"}, {"kind": "Job", "name": "b"}, {"kind": "Svc", "name": "c"}]}`},
	},
	{
		name: "numbers compare by value",
		module: `package t
p if input.a == input.b
q := input.big + 1`,
		rule:   "p",
		inputs: []string{`{"a": 1, "b": 1.0}`, `{"a": 1, "b": 2}`, `{"a": 100000000000000000000, "b": 1e20}`},
	},
	{
		name: "partial object rule",
		module: `package t
p[k] := v if some k, v in input.o`,
		rule:   "p",
		inputs: []string{`{"o": {"a": 1, "b": [2]}}`, `{"o": []}`},
	},
	{
		// The inputs run one after another on one query: what a pure
		// function gave for an argument is reused, what depends on input is
		// not, and a built-in error is reported every time.
		name: "values shared between evaluations",
		module: `package t
_pure(q) := units.parse(q)
_impure(x) := x + input.n
_indirect(x) := _impure(x) * 2
p := [_pure(input.q), _impure(1), _indirect(1), _pure("1Gi")]`,
		rule:   "p",
		inputs: []string{`{"q": "2x", "n": 1}`, `{"q": "2x", "n": 2}`, `{"q": "1k", "n": 3}`, `{"q": "1k", "n": 4}`},
	},
	{
		// A rule that reads no input (a table, a pattern) has one value in
		// every evaluation, and so do the functions that read it: both are
		// kept between evaluations, beside rules that do read input.
		name: "constant rules shared between evaluations",
		module: `package t
_pattern := concat("", ["^", "[A-Z_]+", "$"])
_words := {w | some w in ["FILE", "PATH"]}
_named(x) if {
	regex.match(_pattern, x)
	not x in _words
}
_upper := upper(input.s)
p := [_named(input.s), _named("PATH"), _named(_upper), count(_words)]`,
		rule:   "p",
		inputs: []string{`{"s": "TOKEN"}`, `{"s": "FILE"}`, `{"s": "token"}`, `{"s": "TOKEN"}`},
	},
	{
		// These built-ins run natively; on arguments OPA's rejects, OPA's
		// own raises the error.
		name: "built-ins run natively, errors and all",
		module: `package t
p := [
	is_string(input.v), is_number(input.v), is_object(input.v), is_array(input.v), is_set(input.v),
	is_boolean(input.v), is_null(input.v),
	input.v != 1, input.v == 1.0, input.v > 1, input.v >= 1, input.v < "a", input.v <= [],
	input.v in [1, "1", {}], input.v in {1, "x"}, input.v in {"k": 1},
	object.get(input, ["o", "a", 0], "none"), object.get(input, "v", "none"),
]
c := count(input.v)
g := object.get(input.v, "a", "none")`,
		rule:   "p",
		inputs: []string{`{"v": 1, "o": {"a": ["x"]}}`, `{"v": "1"}`, `{"v": null}`, `{"v": {"a": 1}}`, `{"v": [1]}`, `{"v": true}`},
	},
	{
		name:   "count and object.get on what they reject",
		module: "package t\nc := [count(input.v), object.get(input.v, \"a\", 0)]\nd := count(input.v)",
		rule:   "d",
		inputs: []string{`{"v": 1}`, `{"v": "héllo"}`, `{"v": {"a": 1}}`, `{"v": null}`},
	},
	{
		name:   "object.get on what it rejects",
		module: "package t\ng := object.get(input.v, \"a\", 0)",
		rule:   "g",
		inputs: []string{`{"v": 1}`, `{"v": {"a": 2}}`, `{"v": [1]}`},
	},
	{
		name: "sprintf, regex and strings",
		module: `package t
p contains sprintf("%s=%v", [k, v]) if {
	some k, v in input.labels
	regex.match("^[a-z]+$", k)
	not startswith(k, "skip")
}`,
		rule:   "p",
		inputs: []string{`{"labels": {"app": "x", "Bad": 1, "skipme": 2, "tier": ["a"]}}`},
	},
}

func TestProgramMatchesTopdown(t *testing.T) {
	ctx := context.Background()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ast.ParseModuleWithOpts("t.rego", tc.module, ast.ParserOptions{RegoVersion: ast.RegoV1})
			if err != nil {
				t.Fatal(err)
			}
			modules := map[string]*ast.Module{"t.rego": m}
			prog, err := irvm.Plan(ctx, modules, []string{"t/" + tc.rule})
			if err != nil {
				t.Fatal(err)
			}
			q, err := prog.Query("t/" + tc.rule)
			if err != nil {
				t.Fatal(err)
			}
			ref, err := rego.New(rego.ParsedModule(m), rego.Query("x := data.t."+tc.rule)).PrepareForEval(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, in := range tc.inputs {
				input := ast.MustParseTerm(in).Value
				res, err := q.Eval(ctx, input)
				if err != nil {
					t.Fatalf("%s: %v", in, err)
				}
				var errs []topdown.Error
				rs, err := ref.Eval(ctx, rego.EvalParsedInput(input), rego.EvalBuiltinErrorList(&errs), rego.EvalGenerateJSON(keepTerm))
				if err != nil {
					t.Fatalf("%s: topdown: %v", in, err)
				}
				want := "undefined"
				if len(rs) == 1 {
					want = rs[0].Bindings["x"].(*ast.Term).String()
				}
				got := "undefined"
				if res.Values[0] != nil {
					got = res.Values[0].String()
				}
				if got != want {
					t.Errorf("%s: got %s, topdown %s", in, got, want)
				}
				if g, w := messages(res.BuiltinErrors), topdownMessages(errs); g != w {
					t.Errorf("%s: built-in errors %q, topdown %q", in, g, w)
				}
			}
		})
	}
}

// keepTerm keeps topdown's results as Rego values, sets included.
func keepTerm(t *ast.Term, _ *rego.EvalContext) (any, error) { return t, nil }

func messages(errs []*topdown.Error) string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Message)
	}
	return strings.Join(out, "; ")
}

func topdownMessages(errs []topdown.Error) string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Message)
	}
	return strings.Join(out, "; ")
}

// A conflict is an error in both evaluators, never a value.
func TestConflictIsAnError(t *testing.T) {
	ctx := context.Background()
	m := ast.MustParseModuleWithOpts(`package t
p := input.a if input.a
p := input.b if input.b`, ast.ParserOptions{RegoVersion: ast.RegoV1})
	prog, err := irvm.Plan(ctx, map[string]*ast.Module{"t.rego": m}, []string{"t/p"})
	if err != nil {
		t.Fatal(err)
	}
	q, err := prog.Query("t/p")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.Eval(ctx, ast.MustParseTerm(`{"a": 1, "b": 2}`).Value); err == nil || !strings.Contains(err.Error(), "multiple outputs") {
		t.Errorf("got %v, want a conflict error", err)
	}
	if res, err := q.Eval(ctx, ast.MustParseTerm(`{"a": 1, "b": 1}`).Value); err != nil || fmt.Sprint(res.Values[0]) != "1" {
		t.Errorf("same value twice: got %v, %v", res.Values, err)
	}
}

// A plan using what the program does not run is refused when it is made,
// never evaluated wrongly.
func TestUnsupportedIsRefused(t *testing.T) {
	m := ast.MustParseModuleWithOpts(`package t
q := input.x
p := y if {
	y := q with input.x as 1
}`, ast.ParserOptions{RegoVersion: ast.RegoV1})
	_, err := irvm.Plan(context.Background(), map[string]*ast.Module{"t.rego": m}, []string{"t/p"})
	if err == nil || !strings.Contains(err.Error(), "unsupported statement *ir.WithStmt") {
		t.Errorf("got %v", err)
	}
}

func TestUnknownPlan(t *testing.T) {
	m := ast.MustParseModuleWithOpts(`package t
p := 1`, ast.ParserOptions{RegoVersion: ast.RegoV1})
	prog, err := irvm.Plan(context.Background(), map[string]*ast.Module{"t.rego": m}, []string{"t/p"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := prog.Query("t/q"); err == nil {
		t.Error("a plan that does not exist was found")
	}
}
