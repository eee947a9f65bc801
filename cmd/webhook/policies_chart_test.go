package main

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
)

// TestChartMountsPolicies: the chart's policies value becomes a ConfigMap,
// mounted read-only and passed as --policy, whose files the webhook loads;
// policyClusterRoleRules join the ClusterRole. Without the value the chart
// renders none of it.
func TestChartMountsPolicies(t *testing.T) {
	_, self, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(self), "..", "..")
	overrides, err := os.ReadFile(filepath.Join(root, "testdata", "charts", "webhook-policies.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		values string
		want   bool
	}{
		{name: "defaults"},
		{name: "policies", values: string(overrides), want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs := renderChart(t, yamlValues(t, tt.values))
			var dep appsv1.Deployment
			decodeDoc(t, docs, "deployment.yaml", &dep)
			pod := dep.Spec.Template.Spec
			hasArg := slices.Contains(pod.Containers[0].Args, "--policy=/policies")
			hasMount := slices.ContainsFunc(pod.Containers[0].VolumeMounts, func(m corev1.VolumeMount) bool {
				return m.Name == "policies" && m.MountPath == "/policies" && m.ReadOnly
			})
			hasVolume := slices.ContainsFunc(pod.Volumes, func(v corev1.Volume) bool {
				return v.ConfigMap != nil && v.ConfigMap.Name == "slotcheck-slotcheck-webhook-policies"
			})
			_, hasChecksum := dep.Spec.Template.Annotations["checksum/policies"]
			if hasArg != tt.want || hasMount != tt.want || hasVolume != tt.want || hasChecksum != tt.want {
				t.Errorf("--policy %v, read-only mount %v, ConfigMap volume %v, checksum %v; want all %v", hasArg, hasMount, hasVolume, hasChecksum, tt.want)
			}
			var role rbacv1.ClusterRole
			decodeDoc(t, docs, "clusterrole.yaml", &role)
			grants := slices.ContainsFunc(role.Rules, func(r rbacv1.PolicyRule) bool { return slices.Contains(r.Resources, "podmonitors") })
			if grants != tt.want {
				t.Errorf("ClusterRole grants podmonitors: %v, want %v", grants, tt.want)
			}
			var cm corev1.ConfigMap
			found := decodeDoc(t, docs, "policies-configmap.yaml", &cm)
			if found != tt.want {
				t.Fatalf("policies ConfigMap rendered: %v, want %v", found, tt.want)
			}
			if !tt.want {
				return
			}
			dir := t.TempDir()
			for name, src := range cm.Data {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			e, err := newEngine(context.Background(), []string{dir}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := e.Rule("ACME001"); !ok {
				t.Error("the webhook does not load ACME001 from the chart's ConfigMap")
			}
		})
	}
}
