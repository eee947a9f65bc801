package main

import (
	"maps"
	"slices"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/slotwise/slotcheck/internal/kube"
)

// TestWebhookRulesSendWorkloads keeps the chart's ValidatingWebhookConfiguration
// in step with what the handler reviews (kube.Workloads, and the ephemeral
// containers of Pods): a workload the rules leave out is never sent to the
// webhook, so never judged, and nothing says so.
func TestWebhookRulesSendWorkloads(t *testing.T) {
	want := map[string]bool{"/pods/ephemeralcontainers": true}
	for _, w := range kube.Workloads() {
		want[w.Group+"/"+w.Resource] = true
	}
	var cfg admissionregistrationv1.ValidatingWebhookConfiguration
	renderTemplate(t, "validatingwebhookconfiguration.yaml", &cfg)
	if len(cfg.Webhooks) != 1 {
		t.Fatalf("the chart renders %d webhooks, want 1", len(cfg.Webhooks))
	}
	got := map[string]bool{}
	for _, rule := range cfg.Webhooks[0].Rules {
		if !slices.Equal(rule.Operations, []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update}) {
			t.Errorf("the chart's webhook rule for %v sends %v, want [CREATE UPDATE]: the handler judges only those", rule.Resources, rule.Operations)
		}
		for _, group := range rule.APIGroups {
			for _, res := range rule.Resources {
				got[group+"/"+res] = true
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
