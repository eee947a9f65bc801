package irvm

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/compile"
	"github.com/open-policy-agent/opa/v1/ir"
)

// Plan has OPA compile and plan parsed Rego modules for the entrypoints
// (rule paths such as "k8s/sec001/deny") and makes the plans a program, one
// plan per entrypoint, named by it. The modules are not changed: OPA's
// compile step works on its own copy.
func Plan(ctx context.Context, modules map[string]*ast.Module, entrypoints []string) (*Program, error) {
	b := &bundle.Bundle{Data: map[string]any{}}
	names := make([]string, 0, len(modules))
	for name := range modules {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		b.Modules = append(b.Modules, bundle.ModuleFile{URL: name, Path: name, Parsed: modules[name]})
	}
	c := compile.New().
		WithTarget(compile.TargetPlan).
		WithRegoVersion(ast.RegoV1).
		WithEntrypoints(entrypoints...).
		WithPruneUnused(true).
		WithBundle(b)
	if err := c.Build(ctx); err != nil {
		return nil, err
	}
	out := c.Bundle()
	if len(out.PlanModules) != 1 {
		return nil, fmt.Errorf("%d plans, want 1", len(out.PlanModules))
	}
	// The compile package hands the plan over as JSON only.
	var policy ir.Policy
	if err := json.Unmarshal(out.PlanModules[0].Raw, &policy); err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	return Compile(&policy)
}
