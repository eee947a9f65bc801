package config

import (
	"errors"
	"fmt"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"
	"gopkg.in/yaml.v3"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/slotwise/slotcheck/internal/kube"
	"github.com/slotwise/slotcheck/internal/source"
)

// GroupVersionKind is the workload's kind as the API serves it; the
// apiVersion was checked when the file was read.
func (w Workload) GroupVersionKind() schema.GroupVersionKind {
	gv, _ := schema.ParseGroupVersion(w.APIVersion)
	return gv.WithKind(w.Kind)
}

// checkWorkloads applies what the types alone do not to the workloads: an
// apiVersion with a group, as every custom resource has, and each kind
// written once, since the rules could follow only one pod template.
func (d *decoded) checkWorkloads(f *File) {
	items := workloadNodes(f.Node)
	checker := kube.NewChecker()
	seen := map[schema.GroupVersionKind]int{}
	for i, w := range f.Workloads {
		if i >= len(items) {
			return
		}
		// A kind built into Kubernetes (v1 PodTemplate) is refused once,
		// as such, by CheckWorkloads.
		if gv, err := schema.ParseGroupVersion(w.APIVersion); (err != nil || gv.Group == "" || gv.Version == "") && !checker.Known(w.APIVersion, w.Kind) {
			_, v := lookup(items[i], "apiVersion")
			d.addf(v, "workloads[%d].apiVersion: %q: want a custom resource's group/version, e.g. argoproj.io/v1alpha1", i, w.APIVersion)
			continue
		}
		gvk := w.GroupVersionKind()
		if first, dup := seen[gvk]; dup {
			_, v := lookup(items[i], "kind")
			d.addf(v, "workloads[%d]: %s %s is already listed as workloads[%d]: list each kind once", i, w.APIVersion, w.Kind, first)
			continue
		}
		seen[gvk] = i
	}
}

// CheckWorkloads reports every workload kind the file names that slotcheck
// already judges (builtin, the policies' own workload kinds) or that is
// built into Kubernetes, at the place its kind is written: the policies'
// pod templates cannot be redefined, and a kind built into Kubernetes other
// than those runs no pods of its own.
func (f *File) CheckWorkloads(builtin []string) []source.Error {
	items := workloadNodes(f.Node)
	checker := kube.NewChecker()
	var ps []problem
	for i, w := range f.Workloads {
		if i >= len(items) {
			break
		}
		if msg := w.problem(builtin, checker); msg != "" {
			_, v := lookup(items[i], "kind")
			ps = append(ps, problem{at(v), fmt.Sprintf("workloads[%d]: %s", i, msg)})
		}
	}
	return errorsOf(f.Path, ps)
}

// CheckWorkloads is File.CheckWorkloads for workloads given without their
// file, such as the webhook's: one error naming every problem.
func CheckWorkloads(ws []Workload, builtin []string) error {
	checker := kube.NewChecker()
	var errs []error
	seen := map[schema.GroupVersionKind]bool{}
	for i, w := range ws {
		if gv, err := schema.ParseGroupVersion(w.APIVersion); err != nil || gv.Group == "" || gv.Version == "" || len(w.PodTemplate) == 0 {
			errs = append(errs, fmt.Errorf("workloads[%d]: want a custom resource's apiVersion (group/version), kind and pod template path, got %q %q %v", i, w.APIVersion, w.Kind, []string(w.PodTemplate)))
			continue
		}
		if seen[w.GroupVersionKind()] {
			errs = append(errs, fmt.Errorf("workloads[%d]: %s %s is listed twice", i, w.APIVersion, w.Kind))
		}
		seen[w.GroupVersionKind()] = true
		if msg := w.problem(builtin, checker); msg != "" {
			errs = append(errs, fmt.Errorf("workloads[%d]: %s", i, msg))
		}
	}
	return errors.Join(errs...)
}

// problem says why the kind cannot be an extra workload kind; "" when it can.
func (w Workload) problem(builtin []string, checker *kube.Checker) string {
	switch {
	case slices.Contains(builtin, w.Kind):
		return fmt.Sprintf("%s is a workload kind slotcheck judges already, whatever its apiVersion: its pod template cannot be redefined; remove this entry", w.Kind)
	case checker.Known(w.APIVersion, w.Kind):
		return fmt.Sprintf("%s %s is a kind built into Kubernetes that runs no pods of its own: workloads names custom resources that hold a pod template, e.g. argoproj.io/v1alpha1 Rollout", w.APIVersion, w.Kind)
	}
	return ""
}

// workloadNodes are the mapping nodes of the file's workloads list, in order.
func workloadNodes(root *yaml.Node) []*yaml.Node {
	if root == nil {
		return nil
	}
	k, v := lookup(root, "workloads")
	if k == root || v.Kind != yaml.SequenceNode {
		return nil
	}
	return v.Content
}

// workloadsValue is input.config.workloads: each kind's pod template path
// by kind and apiVersion, the lookup lib.k8s makes.
func workloadsValue(ws []Workload) *ast.Term {
	byKind := map[string]ast.Object{}
	out := ast.NewObject()
	for _, w := range ws {
		versions, ok := byKind[w.Kind]
		if !ok {
			versions = ast.NewObject()
			byKind[w.Kind] = versions
			out.Insert(ast.StringTerm(w.Kind), ast.NewTerm(versions))
		}
		versions.Insert(ast.StringTerm(w.APIVersion), stringsTerm(w.PodTemplate))
	}
	return ast.NewTerm(out)
}

// WorkloadsData is input.config holding the workloads alone, for a caller
// that has workloads without a file (the webhook); nil for none.
func WorkloadsData(ws []Workload) ast.Value {
	if len(ws) == 0 {
		return nil
	}
	return ast.NewObject(ast.Item(ast.StringTerm("workloads"), workloadsValue(ws)))
}
