package rules

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/topdown"

	"github.com/slotwise/slotcheck/internal/regoinputs"
	"github.com/slotwise/slotcheck/internal/source"
	"github.com/slotwise/slotcheck/policies"
)

// TestPlansMatchTopdown holds the evaluator slotcheck runs (OPA's plans of
// the policies) to OPA's topdown, the reference: on every input any Rego test
// gives a rule, in every environment and admission mode, and on every example
// the repository ships, both must find the same violations, the same
// exemptions and the same built-in errors.
func TestPlansMatchTopdown(t *testing.T) {
	ctx := context.Background()
	fast, ref := evaluators(t)
	inputs := regoTestInputs(t)

	compared := 0
	t.Run("rego-test-inputs", func(t *testing.T) {
		for i, input := range inputs {
			domain := inputDomain(input)
			for _, env := range Environments() {
				for _, admission := range []bool{false, true} {
					key := queryKey{domain, env, admission}
					name := fmt.Sprintf("%d/%s/%v", i, env, admission)
					compareRun(t, name, input, fast, ref, key)
					compared++
				}
			}
		}
	})

	t.Run("examples", func(t *testing.T) {
		res := source.Load([]string{"../../testdata"}, source.Options{WorkDir: "../.."})
		if len(res.Objects) < 20 {
			t.Fatalf("loaded %d example objects, want more", len(res.Objects))
		}
		profiles, err := BuiltinProfiles()
		if err != nil {
			t.Fatal(err)
		}
		inv := NewInventory(fast.Reads(false))
		for _, o := range res.Objects {
			if o.Domain == "k8s" {
				inv.Add(o.Kind, o.Namespace, o.Value)
			}
		}
		for _, o := range res.Objects {
			for _, env := range Environments() {
				prof, err := profiles.Value(env)
				if err != nil {
					t.Fatal(err)
				}
				for _, admission := range []bool{false, true} {
					in := Input{Domain: o.Domain, Object: o.Value, Environment: env, Profile: prof, Inventory: inv.Value(o.Namespace), Admission: admission}
					got, gerr := fast.Evaluate(ctx, in)
					want, werr := ref.Evaluate(ctx, in)
					name := fmt.Sprintf("%s:%d %s %v", o.File, o.Line, env, admission)
					if fmt.Sprint(gerr) != fmt.Sprint(werr) {
						t.Errorf("%s: error %v, topdown %v", name, gerr, werr)
					}
					if g, w := violationList(got), violationList(want); g != w {
						t.Errorf("%s: violations\n%s\ntopdown\n%s", name, g, w)
					}
					compared++
				}
			}
		}
	})
	t.Logf("%d evaluations compared over %d Rego test inputs", compared, len(inputs))
}

// evaluators compiles the policies for both evaluators: the plans slotcheck
// runs and topdown, the reference.
func evaluators(t testing.TB) (fast, ref *Engine) {
	t.Helper()
	ctx := context.Background()
	fast, err := New(ctx, policies.FS())
	if err != nil {
		t.Fatal(err)
	}
	ref, err = New(ctx, policies.FS(), WithReferenceEvaluator())
	if err != nil {
		t.Fatal(err)
	}
	return fast, ref
}

// regoTestInputs runs the Rego tests and returns every distinct input a
// rule's deny set was evaluated on, in the order first seen.
func regoTestInputs(t testing.TB) []ast.Value {
	t.Helper()
	ctx := context.Background()
	modules, err := ParseModules(policies.FS(), true)
	if err != nil {
		t.Fatal(err)
	}
	inputs, err := regoinputs.Record(ctx, modules)
	if err != nil {
		t.Fatal(err)
	}
	return inputs
}

// inputDomain tells the rules an input is for by its shape.
func inputDomain(input ast.Value) string {
	if obj, ok := input.(ast.Object); ok {
		switch {
		case obj.Get(ast.StringTerm("dockerfile")) != nil:
			return "dockerfile"
		case obj.Get(ast.StringTerm("config_file")) != nil:
			return "config"
		}
	}
	return "k8s"
}

func compareRun(t testing.TB, name string, input ast.Value, fast, ref *Engine, key queryKey) {
	t.Helper()
	ctx := context.Background()
	fq, rq := fast.queries[key], ref.queries[key]
	gs, ge, gb, gerr := fast.run(ctx, fq, input)
	ws, we, wb, werr := ref.run(ctx, rq, input)
	if (gerr == nil) != (werr == nil) {
		t.Errorf("%s: error %v, topdown %v", name, gerr, werr)
		return
	}
	if len(gs) != len(ws) {
		t.Errorf("%s: %d rule results, topdown %d", name, len(gs), len(ws))
		return
	}
	for i := range gs {
		if !sameSet(gs[i], ws[i]) {
			t.Errorf("%s: %s: %v\ntopdown: %v\ninput: %v", name, fq.rules[i].ID, gs[i], ws[i], input)
		}
	}
	if !sameSet(ge, we) {
		t.Errorf("%s: exemptions %v, topdown %v", name, ge, we)
	}
	if g, w := builtinErrors(gb), builtinErrors(wb); g != w {
		t.Errorf("%s: built-in errors\n%s\ntopdown\n%s", name, g, w)
	}
}

// sameSet treats an undefined deny set like an empty one: topdown gives an
// empty set for a partial set rule with no elements, and a plan may too.
func sameSet(a, b ast.Set) bool {
	if a == nil {
		a = ast.NewSet()
	}
	if b == nil {
		b = ast.NewSet()
	}
	return a.Compare(b) == 0
}

func builtinErrors(errs []topdown.Error) string {
	var out []string
	for _, e := range errs {
		file := ""
		if e.Location != nil {
			file = e.Location.File
		}
		out = append(out, e.Code+" "+file+" "+e.Message)
	}
	slices.Sort(out)
	return strings.Join(slices.Compact(out), "\n")
}

func violationList(vs []Violation) string {
	var out []string
	for _, v := range vs {
		out = append(out, fmt.Sprintf("%s %s %v %v %q %q %q %v %q", v.Rule.ID, v.Severity, v.Object, v.Path, v.Container, v.Token, v.Message, v.Suppressed, v.Reason))
	}
	slices.Sort(out)
	return strings.Join(out, "\n")
}
