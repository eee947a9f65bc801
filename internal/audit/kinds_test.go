package audit

import (
	"context"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/slotwise/slotcheck/internal/kube"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/policies"
)

// TestWorkloadsRunPods: every kind the audit judges (kube.Workloads) is one
// the rules know where to find a pod spec in (lib.k8s.is_workload), so that
// no listed kind is judged by the pod rules as if it ran nothing.
func TestWorkloadsRunPods(t *testing.T) {
	modules, err := rules.ParseModules(policies.FS(), false)
	if err != nil {
		t.Fatal(err)
	}
	opts := []func(*rego.Rego){rego.Query("data.lib.k8s.is_workload")}
	for _, m := range modules {
		opts = append(opts, rego.ParsedModule(m))
	}
	q, err := rego.New(opts...).PrepareForEval(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range kube.Workloads() {
		rs, err := q.Eval(context.Background(), rego.EvalInput(map[string]any{"object": map[string]any{"apiVersion": w.GroupVersion().String(), "kind": w.Kind}}))
		if err != nil {
			t.Fatal(err)
		}
		if !rs.Allowed() {
			t.Errorf("the audit judges %s, which lib.k8s does not treat as a workload (pod_spec_path)", w.Kind)
		}
	}
	if rs, err := q.Eval(context.Background(), rego.EvalInput(map[string]any{"object": map[string]any{"kind": "Service"}})); err != nil || rs.Allowed() {
		t.Errorf("a Service is a workload to lib.k8s (%v): the test proves nothing", err)
	}
}
