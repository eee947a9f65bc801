package rules

import (
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"
)

// workloadsPackage is the library that knows where each workload kind keeps
// its pod template, and workloadKindsRule its set of those kinds
// (policies/lib/k8s/k8s.rego).
const (
	workloadsPackage  = "data.lib.k8s"
	workloadKindsRule = "workload_kinds"
)

// WorkloadKinds lists, sorted, the kinds the policies know as workloads of
// their own (lib.k8s's workload_kinds). A configuration may not name them as
// extra workload kinds, since the policies' pod templates win.
func (e *Engine) WorkloadKinds() []string { return slices.Clone(e.workloadKinds) }

// workloadKinds reads lib.k8s's workload_kinds, a set of strings written as
// a literal, so that Go reads the one list the policies keep rather than
// restating it; nil when no module defines it so.
func workloadKinds(modules map[string]*ast.Module) []string {
	var kinds []string
	for _, r := range libRules(modules, workloadKindsRule) {
		if r.Head.Value == nil {
			continue
		}
		if set, ok := r.Head.Value.Value.(ast.Set); ok {
			kinds = append(kinds, stringKeys(set.Slice())...)
		}
	}
	return sorted(kinds)
}

// tableKinds reads the keys of the literal table a rule of lib.k8s looks its
// value up in by kind (name := {...}[input.object.kind]).
func tableKinds(modules map[string]*ast.Module, name string) []string {
	var kinds []string
	for _, r := range libRules(modules, name) {
		if r.Head.Value == nil {
			continue
		}
		if ref, ok := r.Head.Value.Value.(ast.Ref); ok && len(ref) == 2 {
			if table, ok := ref[0].Value.(ast.Object); ok {
				kinds = append(kinds, stringKeys(table.Keys())...)
			}
		}
	}
	return sorted(kinds)
}

// libRules are the definitions of a rule of lib.k8s.
func libRules(modules map[string]*ast.Module, name string) []*ast.Rule {
	var out []*ast.Rule
	for _, m := range modules {
		if m.Package.Path.String() != workloadsPackage {
			continue
		}
		for _, r := range m.Rules {
			if r.Head.Name.String() == name {
				out = append(out, r)
			}
		}
	}
	return out
}

func stringKeys(terms []*ast.Term) []string {
	var out []string
	for _, t := range terms {
		if s, ok := t.Value.(ast.String); ok {
			out = append(out, string(s))
		}
	}
	return out
}

func sorted(ss []string) []string {
	slices.Sort(ss)
	return slices.Compact(ss)
}
