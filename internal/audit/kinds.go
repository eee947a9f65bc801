package audit

import (
	"fmt"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"

	"github.com/slotwise/slotcheck/internal/kube"
	"github.com/slotwise/slotcheck/internal/rules"
)

// kind is one kind the audit lists: a workload it judges, or a kind the
// rules read (an inventory kind), or both.
type kind struct {
	gvk        schema.GroupVersionKind
	resource   schema.GroupVersionResource
	namespaced bool
	judged     bool
	// read is how the rules read the kind; nil for a kind only judged.
	read *rules.Read
}

// String names the kind as RBAC and kubectl do: resource.group.
func (k kind) String() string { return k.resource.GroupResource().String() }

// Resource is one resource the audit reads, as a ClusterRole grants it.
type Resource struct {
	Group, Resource string
}

// Resources are what an audit with engine's rules reads: namespaces, the
// workloads it judges and the kinds its rules read. It needs get and list
// on each; docs/audit.md's ClusterRole is held to this list.
func Resources(engine *rules.Engine) []Resource {
	out := []Resource{{Group: namespaceKind.resource.Group, Resource: namespaceKind.resource.Resource}}
	for _, k := range wanted(engine) {
		out = append(out, Resource{Group: k.resource.Group, Resource: k.resource.Resource})
	}
	return out
}

// wanted lists the kinds an audit lists before discovery resolves them:
// the workloads, whose resources kube.Workloads names, then the kinds the
// admission rules read that are not workloads, at the resources their
// kinds name by Kubernetes' conventions (which discovery then confirms).
func wanted(engine *rules.Engine) []kind {
	var out []kind
	judged := map[string]int{}
	for _, w := range kube.Workloads() {
		judged[w.Kind] = len(out)
		out = append(out, kind{gvk: w.GroupVersionKind, resource: w.GroupVersion().WithResource(w.Resource), namespaced: true, judged: true})
	}
	for _, rd := range engine.Reads(true) {
		if i, ok := judged[rd.Kind]; ok {
			out[i].read = &rd
			continue
		}
		gv, err := schema.ParseGroupVersion(rd.APIVersion)
		if err != nil {
			// The engine refuses METADATA with a malformed apiVersion.
			continue
		}
		gvk := gv.WithKind(rd.Kind)
		plural, _ := meta.UnsafeGuessKindToResource(gvk)
		out = append(out, kind{gvk: gvk, resource: plural, namespaced: rd.Scope == rules.ScopeNamespace, read: &rd})
	}
	return out
}

// discovered is what discovery said of one group version.
type discovered struct {
	resources []metav1.APIResource
	err       error
}

// resolve asks discovery which of the kinds the cluster serves, at which
// resource and scope. A workload not served is an error of its kind; a
// read kind not served (a ServiceMonitor without the Prometheus Operator)
// holds no objects, which is what the rules then read.
func resolve(d discovery.DiscoveryInterface, kinds []kind, fail func(k kind, namespace string, err error)) []kind {
	byGV := map[string]discovered{}
	var out []kind
	for _, k := range kinds {
		gv := k.gvk.GroupVersion().String()
		dis, ok := byGV[gv]
		if !ok {
			list, err := d.ServerResourcesForGroupVersion(gv)
			switch {
			case apierrors.IsNotFound(err):
			case err != nil:
				dis.err = fmt.Errorf("discover %s: %w", gv, err)
			default:
				dis.resources = list.APIResources
			}
			byGV[gv] = dis
		}
		if dis.err != nil {
			fail(k, "", dis.err)
			continue
		}
		i := slices.IndexFunc(dis.resources, func(r metav1.APIResource) bool {
			return r.Kind == k.gvk.Kind && !strings.Contains(r.Name, "/")
		})
		switch {
		case i >= 0:
			k.resource = k.gvk.GroupVersion().WithResource(dis.resources[i].Name)
			k.namespaced = dis.resources[i].Namespaced
			out = append(out, k)
		case k.judged:
			fail(k, "", fmt.Errorf("the cluster does not serve %s", k.gvk))
		}
	}
	return out
}
