package main

import (
	"maps"
	"slices"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/slotwise/slotcheck/internal/kube"
)

// TestWebhookRulesSendWorkloads keeps the chart's ValidatingWebhookConfiguration
// in step with what the handler reviews (kube.Workloads, the ephemeral
// containers of Pods, and the configured kinds the workloads value names):
// a workload the rules leave out is never sent to the webhook, so never
// judged, and nothing says so.
func TestWebhookRulesSendWorkloads(t *testing.T) {
	rollout := kube.Workload{GroupVersionKind: schema.GroupVersionKind{Group: "argoproj.io", Version: "v1alpha1", Kind: "Rollout"}, Resource: "rollouts"}
	tests := []struct {
		name   string
		values map[string]any
		want   []kube.Workload
	}{
		{name: "defaults", want: kube.Workloads()},
		{name: "configured kinds", values: rolloutValues, want: kube.WorkloadsWith([]kube.Workload{rollout})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := map[string]bool{"/v1/pods/ephemeralcontainers": true}
			for _, w := range tt.want {
				want[w.Group+"/"+w.Version+"/"+w.Resource] = true
			}
			var cfg admissionregistrationv1.ValidatingWebhookConfiguration
			renderTemplateWith(t, "validatingwebhookconfiguration.yaml", tt.values, &cfg)
			if len(cfg.Webhooks) != 1 {
				t.Fatalf("the chart renders %d webhooks, want 1", len(cfg.Webhooks))
			}
			checkWebhookRules(t, cfg.Webhooks[0].Rules, want)
		})
	}
}

// checkWebhookRules compares what the webhook's rules send with want,
// group/version/resource.
func checkWebhookRules(t *testing.T, rules []admissionregistrationv1.RuleWithOperations, want map[string]bool) {
	t.Helper()
	got := map[string]bool{}
	for _, rule := range rules {
		if !slices.Equal(rule.Operations, []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update}) {
			t.Errorf("the chart's webhook rule for %v sends %v, want [CREATE UPDATE]: the handler judges only those", rule.Resources, rule.Operations)
		}
		for _, group := range rule.APIGroups {
			for _, version := range rule.APIVersions {
				for _, res := range rule.Resources {
					got[group+"/"+version+"/"+res] = true
				}
			}
		}
	}
	for _, key := range slices.Sorted(maps.Keys(want)) {
		if !got[key] {
			t.Errorf("the handler reviews %s, which the chart's webhook rules never send: add it to charts/slotcheck-webhook/templates/validatingwebhookconfiguration.yaml", key)
		}
	}
	for _, key := range slices.Sorted(maps.Keys(got)) {
		if !want[key] {
			t.Errorf("the chart's webhook rules send %s, which the handler does not review: drop it", key)
		}
	}
}
