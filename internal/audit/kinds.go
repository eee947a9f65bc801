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

	"github.com/slotwise/slotcheck/internal/config"
	"github.com/slotwise/slotcheck/internal/kube"
	"github.com/slotwise/slotcheck/internal/rules"
)

// kind is one kind the audit lists: a workload or another kind it judges, or
// a kind the rules read (an inventory kind), or both.
type kind struct {
	gvk        schema.GroupVersionKind
	resource   schema.GroupVersionResource
	namespaced bool
	judged     bool
	// workload is a kind that runs pods: a controller whose offspring are
	// judged through it, and a kind the cluster must serve.
	workload bool
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
// workloads, and the kinds its rules judge or read. It needs get and list
// on each; docs/audit.md's ClusterRole is held to this list.
func Resources(engine *rules.Engine) []Resource {
	out := []Resource{{Group: namespaceKind.resource.Group, Resource: namespaceKind.resource.Resource}}
	for _, k := range wanted(engine, nil) {
		out = append(out, Resource{Group: k.resource.Group, Resource: k.resource.Resource})
	}
	return out
}

// wanted lists the kinds an audit lists before discovery resolves them:
// the workloads, whose resources kube.Workloads names, then the configured
// workload kinds (custom resources such as Argo Rollouts), then the other
// kinds the admission rules judge or read, the last two at the resources
// their kinds name by Kubernetes' conventions (which discovery then
// confirms, or corrects).
func wanted(engine *rules.Engine, configured []config.Workload) []kind {
	var out []kind
	byKind := map[string]int{}
	for _, w := range kube.Workloads() {
		byKind[w.Kind] = len(out)
		out = append(out, kind{gvk: w.GroupVersionKind, resource: w.GroupVersion().WithResource(w.Resource), namespaced: true, judged: true, workload: true})
	}
	for _, w := range configured {
		gvk := w.GroupVersionKind()
		// A built-in kind is refused when the configuration is read; one
		// that slips through is judged as the built-in kind, once.
		if _, dup := byKind[gvk.Kind]; dup || gvk.Group == "" {
			continue
		}
		if k, ok := guessKind(gvk.Kind, w.APIVersion, true); ok {
			k.judged, k.workload = true, true
			byKind[gvk.Kind] = len(out)
			out = append(out, k)
		}
	}
	for _, j := range engine.Judges(true) {
		if i, ok := byKind[j.Kind]; ok {
			out[i].judged = true
			continue
		}
		if k, ok := guessKind(j.Kind, j.APIVersion, true); ok {
			k.judged = true
			byKind[j.Kind] = len(out)
			out = append(out, k)
		}
	}
	for _, rd := range engine.Reads(true) {
		if i, ok := byKind[rd.Kind]; ok {
			out[i].read = &rd
			continue
		}
		if k, ok := guessKind(rd.Kind, rd.APIVersion, rd.Scope == rules.ScopeNamespace); ok {
			k.read = &rd
			out = append(out, k)
		}
	}
	return out
}

// guessKind is a kind at the resource its name gives by Kubernetes'
// conventions; false for a malformed apiVersion, which the engine refuses
// in METADATA.
func guessKind(name, apiVersion string, namespaced bool) (kind, bool) {
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return kind{}, false
	}
	gvk := gv.WithKind(name)
	plural, _ := meta.UnsafeGuessKindToResource(gvk)
	return kind{gvk: gvk, resource: plural, namespaced: namespaced}, true
}

// discovered is what discovery said of one group version.
type discovered struct {
	resources []metav1.APIResource
	err       error
}

// resolve asks discovery which of the kinds the cluster serves, at which
// resource and scope. A workload not served is an error of its kind; any
// other kind not served (a ServiceMonitor without the Prometheus Operator)
// holds no objects, which is what the rules then read and judge.
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
		case k.workload:
			fail(k, "", fmt.Errorf("the cluster does not serve %s", k.gvk))
		}
	}
	return out
}
