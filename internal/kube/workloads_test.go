package kube

import (
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestWorkloadsWith(t *testing.T) {
	rollout := Workload{schema.GroupVersionKind{Group: "argoproj.io", Version: "v1alpha1", Kind: "Rollout"}, "rollouts"}
	rolloutV1 := Workload{schema.GroupVersionKind{Group: "argoproj.io", Version: "v1", Kind: "Rollout"}, "rollouts"}
	deployment := Workload{schema.GroupVersionKind{Group: "apps", Version: "v1beta2", Kind: "Deployment"}, "deployments"}
	got := WorkloadsWith([]Workload{rollout, deployment, rolloutV1})
	builtin := Workloads()
	if len(got) != len(builtin)+1 {
		t.Fatalf("WorkloadsWith = %v, want the %d built-in kinds and the Rollout", got, len(builtin))
	}
	for i, w := range builtin {
		if got[i] != w {
			t.Errorf("WorkloadsWith()[%d] = %v, want the built-in %v first", i, got[i], w)
		}
	}
	if last := got[len(got)-1]; last != rollout {
		t.Errorf("last = %v, want %v", last, rollout)
	}
	if got := WorkloadsWith(nil); len(got) != len(builtin) {
		t.Errorf("WorkloadsWith(nil) = %v, want the built-in kinds", got)
	}
}
