package main

import (
	"context"
	"maps"
	"slices"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/slotwise/slotcheck/internal/audit"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/policies"
)

// reportVerbs are what the background audit does with its Reports: read
// the one of a namespace, list its own to sweep them, create, update and
// delete them (patch for kubectl-style tooling of the same Role).
var reportVerbs = []string{"get", "list", "create", "update", "patch", "delete"}

// TestAuditClusterRoleGrantsAudit keeps the chart's audit ClusterRole in
// step with what the background audit lists (audit.Resources, from the
// workloads and the rules' reads, and the kinds of the workloads value):
// get and list on each, and the write verbs on openreports.io Reports
// alone. A rule that reads a new kind fails here until the chart grants it.
func TestAuditClusterRoleGrantsAudit(t *testing.T) {
	e, err := rules.New(context.Background(), policies.FS())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		values map[string]any
		// extra are the group/resource keys granted beside audit.Resources.
		extra []string
	}{
		{name: "defaults"},
		{name: "configured kinds", values: rolloutValues, extra: []string{"argoproj.io/rollouts"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := map[string][]string{"openreports.io/reports": reportVerbs}
			for _, r := range audit.Resources(e) {
				want[r.Group+"/"+r.Resource] = []string{"get", "list"}
			}
			for _, key := range tc.extra {
				want[key] = []string{"get", "list"}
			}
			var role rbacv1.ClusterRole
			renderTemplateWith(t, "audit-clusterrole.yaml", tc.values, &role)
			if role.Kind != "ClusterRole" {
				t.Fatal("the chart renders no ClusterRole in templates/audit-clusterrole.yaml")
			}
			checkGrants(t, role, want)
		})
	}
}

// checkGrants compares the verbs role grants on each group/resource with want.
func checkGrants(t *testing.T, role rbacv1.ClusterRole, want map[string][]string) {
	t.Helper()
	got := map[string][]string{}
	for _, rule := range role.Rules {
		for _, group := range rule.APIGroups {
			for _, res := range rule.Resources {
				got[group+"/"+res] = rule.Verbs
			}
		}
	}
	for _, key := range slices.Sorted(maps.Keys(want)) {
		if g, ok := got[key]; !ok || !slices.Equal(g, want[key]) {
			t.Errorf("the audit ClusterRole grants %s %v, want %v", key, g, want[key])
		}
	}
	for _, key := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[key]; !ok {
			t.Errorf("the audit ClusterRole grants %s %v, which the background audit never reads nor writes: drop it", key, got[key])
		}
	}
}
