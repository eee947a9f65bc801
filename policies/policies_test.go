package policies_test

import (
	"bytes"
	"context"
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/format"
	"github.com/open-policy-agent/opa/v1/tester"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/policies"
)

// TestRego runs every Rego test beside the rules, as `opa test policies/` would.
func TestRego(t *testing.T) {
	modules, err := rules.ParseModules(policies.FS(), true)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := tester.NewRunner().SetModules(modules).RaiseBuiltinErrors(true).Run(context.Background(), modules)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for r := range ch {
		n++
		t.Run(strings.TrimPrefix(r.Package, "data.")+"."+r.Name, func(t *testing.T) {
			if r.Error != nil {
				t.Fatalf("%s: error: %v", r.Location, r.Error)
			}
			if r.Fail {
				t.Fatalf("%s: failed at %v", r.Location, r.FailedAt)
			}
		})
	}
	if n == 0 {
		t.Fatal("no Rego tests ran")
	}
}

// TestRuleContract holds every rule to policies/README.md: complete, strictly
// typed metadata (rules.New checks it), unique ids, a package path that
// mirrors its folder, reads: that name exactly the kinds its code reads from
// input.inventory, judges: that name exactly the kinds besides the workloads
// its code compares input.object.kind with, and tests that show it both
// allowing and denying.
func TestRuleContract(t *testing.T) {
	engine, err := rules.New(context.Background(), policies.FS())
	if err != nil {
		t.Fatal(err)
	}
	modules, err := rules.ParseModules(policies.FS(), true)
	if err != nil {
		t.Fatal(err)
	}
	read := inventoryKinds(t, modules)
	judged := judgedKinds(t, modules)
	tests := map[string][]string{} // test package -> test rule names
	for file, m := range modules {
		pkg := strings.TrimPrefix(m.Package.Path.String(), "data.")
		want := strings.ReplaceAll(path.Dir(file), "/", ".")
		if strings.HasSuffix(file, "_test.rego") {
			want += "_test"
			for _, r := range m.Rules {
				tests[pkg] = append(tests[pkg], r.Head.Name.String())
			}
		}
		if pkg != want {
			t.Errorf("%s: package %s, want %s (the package path mirrors the folder)", file, pkg, want)
		}
	}
	for _, r := range engine.Rules() {
		t.Run(r.ID, func(t *testing.T) {
			if want := path.Join(strings.ReplaceAll(r.Package, ".", "/"), path.Base(strings.ReplaceAll(r.Package, ".", "/"))+".rego"); r.File != want {
				t.Errorf("rule %s lives in %s, want %s", r.ID, r.File, want)
			}
			var allow, deny int
			for _, name := range tests[r.Package+"_test"] {
				switch {
				case strings.HasPrefix(name, "test_allow_"):
					allow++
				case strings.HasPrefix(name, "test_deny_"):
					deny++
				}
			}
			var declared []string
			for _, rd := range r.Reads {
				declared = append(declared, rd.Kind)
			}
			slices.Sort(declared)
			if got := read[r.Package]; !slices.Equal(got, declared) {
				t.Errorf("rule %s reads %v from input.inventory but its METADATA reads: lists %v; list every kind it reads, with apiVersion and scope (policies/README.md)", r.ID, got, declared)
			}
			var judges []string
			for _, j := range r.Judges {
				judges = append(judges, j.Kind)
			}
			slices.Sort(judges)
			if got := judged[r.Package]; !slices.Equal(got, judges) {
				t.Errorf("rule %s judges %v besides the workloads (input.object.kind) but its METADATA judges: lists %v; list every such kind, with apiVersion (policies/README.md)", r.ID, got, judges)
			}
			if allow == 0 || deny == 0 {
				t.Errorf("rule %s has %d test_allow_ and %d test_deny_ tests in package %s_test; it needs both", r.ID, allow, deny, r.Package)
			}
		})
	}
}

// inventoryAccessor is the helper rules read input.inventory through.
const inventoryAccessor = "data.lib.k8s.inventory"

// inventoryKinds is, by rule package, the kinds its deny rules read from
// input.inventory, following every rule and function they call: calls of
// lib.k8s.inventory("<Kind>") and references input.inventory.<Kind>. A kind
// that is not a literal is reported as "?", which no reads: can match.
func inventoryKinds(t *testing.T, modules map[string]*ast.Module) map[string][]string {
	t.Helper()
	c := ast.NewCompiler()
	if c.Compile(modules); c.Failed() {
		t.Fatal(c.Errors)
	}
	out := map[string][]string{}
	for _, m := range c.Modules {
		pkg := strings.TrimPrefix(m.Package.Path.String(), "data.")
		kinds := map[string]bool{}
		seen := map[*ast.Rule]bool{}
		var queue []*ast.Rule
		for _, r := range m.Rules {
			if r.Head.Name.String() == "deny" {
				queue = append(queue, r)
			}
		}
		for len(queue) > 0 {
			r := queue[0]
			queue = queue[1:]
			if seen[r] || r.Path().String() == inventoryAccessor {
				continue
			}
			seen[r] = true
			collectInventoryKinds(r, kinds)
			for dep := range c.Graph.Dependencies(r) {
				if d, ok := dep.(*ast.Rule); ok {
					queue = append(queue, d)
				}
			}
		}
		for k := range kinds {
			out[pkg] = append(out[pkg], k)
		}
		slices.Sort(out[pkg])
	}
	return out
}

// collectInventoryKinds adds the kinds one rule reads to kinds.
func collectInventoryKinds(r *ast.Rule, kinds map[string]bool) {
	ast.WalkExprs(r, func(e *ast.Expr) bool {
		if e.IsCall() && e.Operator().String() == inventoryAccessor && len(e.Operands()) > 0 {
			kinds[literal(e.Operand(0))] = true
		}
		return false
	})
	ast.WalkTerms(r, func(t *ast.Term) bool {
		switch v := t.Value.(type) {
		case ast.Call:
			if v[0].String() == inventoryAccessor && len(v) > 1 {
				kinds[literal(v[1])] = true
			}
		case ast.Ref:
			if len(v) > 1 && v[0].Equal(ast.InputRootDocument) && v[1].Equal(ast.StringTerm("inventory")) {
				if len(v) > 2 {
					kinds[literal(v[2])] = true
				} else {
					kinds["?"] = true
				}
			}
		}
		return false
	})
}

// workloadTable is the lib.k8s rule whose literal table, keyed by kind, is
// the one list of workload kinds.
const workloadTable = "data.lib.k8s.pod_spec_path"

// judgedKinds is, by rule package, the kinds other than the workloads that
// its own modules compare input.object.kind with: input.object.kind == "K"
// and input.object.kind in {"K", ...}. A rule judging a kind through a
// variable or a helper would escape it; rules name the kinds they judge
// literally, as policies/README.md asks.
func judgedKinds(t *testing.T, modules map[string]*ast.Module) map[string][]string {
	t.Helper()
	workloads := map[string]bool{}
	kinds := map[string]map[string]bool{}
	for file, m := range modules {
		pkg := strings.TrimPrefix(m.Package.Path.String(), "data.")
		for _, r := range m.Rules {
			if r.Path().String() == workloadTable {
				ast.WalkTerms(r.Head.Value, func(term *ast.Term) bool {
					if obj, ok := term.Value.(ast.Object); ok {
						for _, k := range obj.Keys() {
							workloads[literal(k)] = true
						}
					}
					return false
				})
			}
		}
		if strings.HasSuffix(file, "_test.rego") || strings.HasPrefix(pkg, "lib.") {
			continue
		}
		if kinds[pkg] == nil {
			kinds[pkg] = map[string]bool{}
		}
		ast.WalkExprs(m, func(e *ast.Expr) bool {
			collectJudgedKinds(e, kinds[pkg])
			return false
		})
	}
	if len(workloads) == 0 {
		t.Fatalf("no literal table %s: the contract cannot tell workloads from other kinds", workloadTable)
	}
	out := map[string][]string{}
	for pkg, set := range kinds {
		for k := range set {
			if !workloads[k] {
				out[pkg] = append(out[pkg], k)
			}
		}
		slices.Sort(out[pkg])
	}
	return out
}

// objectKind is the reference a rule judges a kind by.
var objectKind = ast.MustParseRef("input.object.kind")

// collectJudgedKinds adds the kinds one expression compares
// input.object.kind with to kinds.
func collectJudgedKinds(e *ast.Expr, kinds map[string]bool) {
	if !e.IsCall() || len(e.Operands()) != 2 {
		return
	}
	a, b := e.Operand(0), e.Operand(1)
	switch e.Operator().String() {
	case "equal":
		if isObjectKind(b) {
			a, b = b, a
		}
		if isObjectKind(a) {
			kinds[literal(b)] = true
		}
	case "internal.member_2":
		if !isObjectKind(a) {
			return
		}
		switch v := b.Value.(type) {
		case ast.Set:
			v.Foreach(func(x *ast.Term) { kinds[literal(x)] = true })
		case *ast.Array:
			v.Foreach(func(x *ast.Term) { kinds[literal(x)] = true })
		default:
			kinds["?"] = true
		}
	}
}

func isObjectKind(t *ast.Term) bool {
	r, ok := t.Value.(ast.Ref)
	return ok && r.Equal(objectKind)
}

// literal is a string term's string, and "?" for anything else, which no
// METADATA list can match.
func literal(t *ast.Term) string {
	if s, ok := t.Value.(ast.String); ok {
		return string(s)
	}
	return "?"
}

// TestCatalogue checks that every rule of the catalogue exists:
// ids are stable and users' CI and exemptions refer to them.
func TestCatalogue(t *testing.T) {
	engine, err := rules.New(context.Background(), policies.FS())
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{
		"SEC001", "SEC002", "SEC003", "SEC004", "SEC005", "SEC006", "SEC007", "SEC008", "SEC009", "SEC010", "SEC011",
		"SECRET001", "RES001", "RES002", "RES003", "RES004", "PRB001", "PRB002", "PRB003",
		"IMG001", "IMG002", "IMG003", "META001", "META002", "AVL001", "AVL002", "AVL003",
		"NET001", "NET002", "NET003", "SECRET002", "ING001", "ING002", "OBS001",
		"DF001", "DF002", "DF003", "DF004", "DF005", "DF006", "DF007", "DF008", "DF009", "DF010", "DF011", "DF012",
	} {
		if _, ok := engine.Rule(id); !ok {
			t.Errorf("rule %s of the catalogue is missing", id)
		}
	}
}

// TestFormat keeps every policy as `opa fmt` writes it, in v1 syntax.
func TestFormat(t *testing.T) {
	err := fs.WalkDir(policies.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".rego" {
			return err
		}
		t.Run(p, func(t *testing.T) {
			src, err := fs.ReadFile(policies.FS(), p)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(src, []byte("import rego.v1")) {
				t.Errorf("%s imports rego.v1; OPA v1 syntax needs no import", p)
			}
			got, err := format.SourceWithOpts(p, src, format.Opts{RegoVersion: ast.RegoV1})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, src) {
				t.Errorf("%s is not formatted: run opa fmt -w policies/", p)
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
