package kube

import (
	"slices"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Workload is a kind that runs pods, with the resource the API serves it as.
type Workload struct {
	schema.GroupVersionKind
	// Resource is the kind's plural, lower-case resource name.
	Resource string
}

// Workloads are the kinds slotcheck judges in a cluster: Pods and the pod
// controllers. The webhook reviews them and the cluster audit lists them,
// from this one list, so that both judge the same objects.
func Workloads() []Workload {
	return []Workload{
		{schema.GroupVersionKind{Version: "v1", Kind: "Pod"}, "pods"},
		{schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}, "deployments"},
		{schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "StatefulSet"}, "statefulsets"},
		{schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "DaemonSet"}, "daemonsets"},
		{schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "ReplicaSet"}, "replicasets"},
		{schema.GroupVersionKind{Group: "batch", Version: "v1", Kind: "Job"}, "jobs"},
		{schema.GroupVersionKind{Group: "batch", Version: "v1", Kind: "CronJob"}, "cronjobs"},
	}
}

// WorkloadsWith is Workloads followed by extra kinds, such as the custom
// resources a configuration names: each kind once, in the order given, an
// extra one of a group and kind the list holds already left out (the
// built-in entry is the one the webhook is sent).
func WorkloadsWith(extra []Workload) []Workload {
	out := Workloads()
	for _, w := range extra {
		if !slices.ContainsFunc(out, func(o Workload) bool { return o.GroupKind() == w.GroupKind() }) {
			out = append(out, w)
		}
	}
	return out
}
