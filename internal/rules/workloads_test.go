package rules

import (
	"context"
	"slices"
	"testing"

	"github.com/slotwise/slotcheck/internal/kube"
	"github.com/slotwise/slotcheck/policies"
)

// TestWorkloadKinds: the engine reads lib.k8s's workload_kinds, every kind
// the cluster side reviews among them, and the library's tables by kind
// list the same kinds.
func TestWorkloadKinds(t *testing.T) {
	e, err := New(context.Background(), policies.FS())
	if err != nil {
		t.Fatal(err)
	}
	got := e.WorkloadKinds()
	for _, w := range kube.Workloads() {
		if !slices.Contains(got, w.Kind) {
			t.Errorf("WorkloadKinds() = %v, lacks %s", got, w.Kind)
		}
	}
	if !slices.Contains(got, "DeploymentConfig") {
		t.Errorf("WorkloadKinds() = %v, lacks DeploymentConfig", got)
	}
	modules, err := ParseModules(policies.FS(), false)
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"pod_spec_path", "pod_metadata_path", "labels_paths"} {
		if kinds := tableKinds(modules, table); !slices.Equal(kinds, got) {
			t.Errorf("lib.k8s %s's table lists %v, workload_kinds %v: the tables must list the same kinds", table, kinds, got)
		}
	}
}
