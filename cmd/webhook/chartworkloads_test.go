package main

import (
	"strings"
	"testing"
)

// rolloutValues register Argo Rollouts with the webhook and configure their
// pod template, as a chart user who judges Rollouts writes them.
var rolloutValues = map[string]any{
	"workloads": []any{map[string]any{"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "resource": "rollouts"}},
	"config": map[string]any{"version": 1, "workloads": []any{
		map[string]any{"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "podTemplate": "spec.template"},
	}},
}

// TestChartWorkloadsMatchConfig: the chart refuses to render when the
// workloads value (what the API server sends and the audit may list) and
// config.workloads (what the webhook judges, by pod template) name
// different kinds, since such a kind would never be judged in the cluster,
// and says which entry, and what to add where.
func TestChartWorkloadsMatchConfig(t *testing.T) {
	tests := []struct {
		name   string
		values string
		// wantErr are the parts of the rendering error; none for a chart
		// that renders.
		wantErr []string
	}{
		{name: "defaults"},
		{name: "the same kinds", values: `
workloads: [{apiVersion: argoproj.io/v1alpha1, kind: Rollout, resource: rollouts}]
config:
  version: 1
  workloads: [{apiVersion: argoproj.io/v1alpha1, kind: Rollout, podTemplate: spec.template}]
`},
		{name: "configured, not registered", values: `
config:
  version: 1
  workloads: [{apiVersion: argoproj.io/v1alpha1, kind: Rollout, podTemplate: spec.template}]
`, wantErr: []string{"config.workloads[0] (kind Rollout, apiVersion argoproj.io/v1alpha1) is not in the workloads value", "never be judged",
			"add {apiVersion: argoproj.io/v1alpha1, kind: Rollout, resource: <its plural"}},
		{name: "registered, not configured", values: `
workloads: [{apiVersion: argoproj.io/v1alpha1, kind: Rollout, resource: rollouts}]
`, wantErr: []string{"workloads[0] (kind Rollout, apiVersion argoproj.io/v1alpha1) is not in config.workloads", "judge nothing",
			"add {apiVersion: argoproj.io/v1alpha1, kind: Rollout, podTemplate:"}},
		{name: "another version", values: `
workloads: [{apiVersion: argoproj.io/v1beta1, kind: Rollout, resource: rollouts}]
config:
  version: 1
  workloads: [{apiVersion: argoproj.io/v1alpha1, kind: Rollout, podTemplate: spec.template}]
`, wantErr: []string{"config.workloads[0] (kind Rollout, apiVersion argoproj.io/v1alpha1) is not in the workloads value"}},
		{name: "the second of two", values: `
workloads:
- {apiVersion: argoproj.io/v1alpha1, kind: Rollout, resource: rollouts}
config:
  version: 1
  workloads:
  - {apiVersion: argoproj.io/v1alpha1, kind: Rollout, podTemplate: spec.template}
  - {apiVersion: acme.example/v1, kind: Service2, podTemplate: spec.pod}
`, wantErr: []string{"config.workloads[1] (kind Service2, apiVersion acme.example/v1) is not in the workloads value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := renderChartErr(t, yamlValues(t, tt.values))
			switch {
			case len(tt.wantErr) == 0 && err != nil:
				t.Fatalf("the chart does not render: %v", err)
			case len(tt.wantErr) > 0 && err == nil:
				t.Fatalf("the chart renders, want an error saying %q", tt.wantErr)
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
		})
	}
}
