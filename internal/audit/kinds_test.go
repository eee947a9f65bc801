package audit

import (
	"context"
	"slices"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/slotwise/slotcheck/internal/kube"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
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

// TestListsWhatRulesJudge: beside the workloads and what the rules read,
// the audit lists the kinds the admission rules judge (their METADATA's
// judges) and no other: not Secrets, which only a rule lint alone applies
// judges, so that an audit never reads a Secret's data.
func TestListsWhatRulesJudge(t *testing.T) {
	api := newFakeAPI(t, `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Secret
metadata: {name: db, namespace: shop}
stringData: {password: hunter2}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80}]
`)
	rep := api.audit(t, Options{})
	listed := map[string]bool{}
	for _, l := range api.lists {
		listed[l.resource] = true
	}
	for resource, want := range map[string]bool{"services": true, "ingresses": true, "networkpolicies": true, "deployments": true, "secrets": false} {
		if listed[resource] != want {
			t.Errorf("%s listed: %t, want %t", resource, listed[resource], want)
		}
	}
	if rep.Summary.Objects != 1 {
		t.Errorf("audited %d objects, want the Service alone", rep.Summary.Objects)
	}
	if !slices.ContainsFunc(slices.Collect(rep.All()), func(f scan.Finding) bool { return f.Rule.ID == "NET003" && f.Kind == "Service" && f.APIVersion == "v1" }) {
		t.Errorf("no NET003 finding of the v1 Service's unnamed port in %v", slices.Collect(rep.All()))
	}
}
