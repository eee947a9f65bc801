package rules

import (
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"
)

// workloadsPackage is the library that knows where each workload kind keeps
// its pod template, and workloadsTable the rule whose literal table, keyed by
// kind, is that list (policies/lib/k8s/k8s.rego).
const (
	workloadsPackage = "data.lib.k8s"
	workloadsTable   = "pod_spec_path"
)

// WorkloadKinds lists, sorted, the kinds the policies know as workloads of
// their own: the keys of lib.k8s's pod spec table. A configuration may not
// name them as extra workload kinds, since the table wins over it.
func (e *Engine) WorkloadKinds() []string { return slices.Clone(e.workloadKinds) }

// tableKinds reads the keys of the literal table a rule of the library looks
// its value up in by kind (name := path if { path := {...}[input.object.kind] }),
// so that Go reads the one list the policies keep rather than restating it.
// It is nil when no module defines the rule that way.
func tableKinds(modules map[string]*ast.Module, name string) []string {
	var kinds []string
	for _, m := range modules {
		if m.Package.Path.String() != workloadsPackage {
			continue
		}
		for _, r := range m.Rules {
			if r.Head.Name.String() != name || len(r.Body) != 1 || !r.Body[0].IsAssignment() {
				continue
			}
			ref, ok := r.Body[0].Operand(1).Value.(ast.Ref)
			if !ok || len(ref) != 2 {
				continue
			}
			table, ok := ref[0].Value.(ast.Object)
			if !ok {
				continue
			}
			for _, k := range table.Keys() {
				if s, ok := k.Value.(ast.String); ok {
					kinds = append(kinds, string(s))
				}
			}
		}
	}
	slices.Sort(kinds)
	return slices.Compact(kinds)
}
