package main

import (
	"context"
	"maps"
	"slices"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"

	"github.com/slotwise/slotcheck/internal/admission"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/policies"
)

// TestClusterRoleGrantsInformers keeps the chart's ClusterRole in step with
// what the webhook watches, which follows from the reads: of the rules it
// evaluates: list and watch on each informer's resource, and nothing else.
// A rule that reads a new kind fails here until the chart grants it.
func TestClusterRoleGrantsInformers(t *testing.T) {
	e, err := rules.New(context.Background(), policies.FS())
	if err != nil {
		t.Fatal(err)
	}
	objs, err := admission.InformerObjects(e.Reads(true))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, obj := range objs {
		gvk, err := apiutil.GVKForObject(obj, scheme.Scheme)
		if err != nil {
			t.Fatal(err)
		}
		want[resourceOf(gvk)] = true
	}
	got := map[string]bool{}
	for _, rule := range renderClusterRole(t).Rules {
		for _, group := range rule.APIGroups {
			for _, res := range rule.Resources {
				key := group + "/" + res
				if !slices.Contains(rule.Verbs, "list") || !slices.Contains(rule.Verbs, "watch") {
					t.Errorf("the ClusterRole grants %s %v: an informer needs list and watch", key, rule.Verbs)
				}
				if extra := slices.DeleteFunc(slices.Clone(rule.Verbs), func(v string) bool { return v == "get" || v == "list" || v == "watch" }); len(extra) > 0 {
					t.Errorf("the ClusterRole grants %s %v: the webhook only reads", key, extra)
				}
				got[key] = true
			}
		}
	}
	for _, key := range slices.Sorted(maps.Keys(want)) {
		if !got[key] {
			t.Errorf("the webhook watches %s, which the chart's ClusterRole does not grant: add it to charts/slotcheck-webhook/templates/clusterrole.yaml with verbs [get, list, watch]", key)
		}
	}
	for _, key := range slices.Sorted(maps.Keys(got)) {
		if !want[key] {
			t.Errorf("the chart's ClusterRole grants %s, which no informer of the webhook reads: drop it", key)
		}
	}
}

// resourceOf names a kind's resource as RBAC does: group/plural.
func resourceOf(gvk schema.GroupVersionKind) string {
	plural, _ := meta.UnsafeGuessKindToResource(gvk)
	return plural.Group + "/" + plural.Resource
}

// renderClusterRole renders the chart with its default values, as helm
// template does, and reads its ClusterRole.
func renderClusterRole(t *testing.T) rbacv1.ClusterRole {
	t.Helper()
	var role rbacv1.ClusterRole
	renderTemplate(t, "clusterrole.yaml", &role)
	if role.Kind != "ClusterRole" {
		t.Fatal("the chart renders no templates/clusterrole.yaml")
	}
	return role
}
