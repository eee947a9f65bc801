package audit

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	discoveryfake "k8s.io/client-go/discovery/fake"
	"k8s.io/client-go/dynamic"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	clienttesting "k8s.io/client-go/testing"
	"sigs.k8s.io/yaml"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/policies"
)

// fakeAPI is an API server for the audit's clients: it serves LISTs of its
// objects in the pages a real one would (limit and continue), refuses the
// resources it forbids, and records every LIST.
type fakeAPI struct {
	objects   []*unstructured.Unstructured
	served    []*metav1.APIResourceList
	forbidden map[string]bool // resource names

	mu    sync.Mutex
	lists []listCall
}

// listCall is one LIST the audit sent.
type listCall struct {
	resource, namespace, cont string
	limit                     int64
}

// resources are the resources the fake serves, by group version, with
// their kinds and scopes.
var resources = map[string][]metav1.APIResource{
	"v1":                   {{Name: "namespaces", Kind: "Namespace"}, {Name: "pods", Kind: "Pod", Namespaced: true}, {Name: "pods/log", Kind: "Pod", Namespaced: true}, {Name: "services", Kind: "Service", Namespaced: true}, {Name: "secrets", Kind: "Secret", Namespaced: true}},
	"apps/v1":              {{Name: "deployments", Kind: "Deployment", Namespaced: true}, {Name: "statefulsets", Kind: "StatefulSet", Namespaced: true}, {Name: "daemonsets", Kind: "DaemonSet", Namespaced: true}, {Name: "replicasets", Kind: "ReplicaSet", Namespaced: true}},
	"batch/v1":             {{Name: "jobs", Kind: "Job", Namespaced: true}, {Name: "cronjobs", Kind: "CronJob", Namespaced: true}},
	"networking.k8s.io/v1": {{Name: "networkpolicies", Kind: "NetworkPolicy", Namespaced: true}, {Name: "ingresses", Kind: "Ingress", Namespaced: true}},
	"autoscaling/v2":       {{Name: "horizontalpodautoscalers", Kind: "HorizontalPodAutoscaler", Namespaced: true}},
	"argoproj.io/v1alpha1": {{Name: "rollouts", Kind: "Rollout", Namespaced: true}},
}

// newFakeAPI serves objects (YAML documents) and every group version of
// resources but those left out.
func newFakeAPI(t testing.TB, docs string, leftOut ...string) *fakeAPI {
	t.Helper()
	f := &fakeAPI{forbidden: map[string]bool{}}
	for _, doc := range strings.Split(docs, "\n---\n") {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		u := &unstructured.Unstructured{}
		if err := yaml.Unmarshal([]byte(doc), &u.Object); err != nil {
			t.Fatalf("fixture: %v\n%s", err, doc)
		}
		f.objects = append(f.objects, u)
	}
	for gv, rs := range resources {
		if !slices.Contains(leftOut, gv) {
			f.served = append(f.served, &metav1.APIResourceList{GroupVersion: gv, APIResources: rs})
		}
	}
	return f
}

// cluster is the clients of the fake.
func (f *fakeAPI) cluster() Cluster {
	listKinds := map[schema.GroupVersionResource]string{}
	for gv, rs := range resources {
		for _, r := range rs {
			listKinds[schema.FromAPIVersionAndKind(gv, r.Kind).GroupVersion().WithResource(r.Name)] = r.Kind + "List"
		}
	}
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), listKinds)
	dyn.PrependReactor("list", "*", f.list)
	dyn.PrependReactor("get", "namespaces", f.getNamespace)
	disc := &discoveryfake.FakeDiscovery{Fake: &clienttesting.Fake{Resources: f.served}}
	return Cluster{Dynamic: rootLists{Interface: dyn, f: f}, Discovery: disc}
}

// rootLists passes cluster-wide LISTs to the fake with their options,
// which client-go's fake drops (testing.NewRootListActionWithOptions)
// and a paginated list needs.
type rootLists struct {
	dynamic.Interface
	f *fakeAPI
}

func (d rootLists) Resource(gvr schema.GroupVersionResource) dynamic.NamespaceableResourceInterface {
	return rootList{NamespaceableResourceInterface: d.Interface.Resource(gvr), f: d.f, gvr: gvr}
}

type rootList struct {
	dynamic.NamespaceableResourceInterface
	f   *fakeAPI
	gvr schema.GroupVersionResource
}

func (r rootList) List(_ context.Context, opts metav1.ListOptions) (*unstructured.UnstructuredList, error) {
	return r.f.page(r.gvr, "", opts)
}

func (f *fakeAPI) list(action clienttesting.Action) (bool, runtime.Object, error) {
	la := action.(clienttesting.ListActionImpl)
	list, err := f.page(la.GetResource(), la.GetNamespace(), la.ListOptions)
	if err != nil {
		return true, nil, err
	}
	return true, list, nil
}

// page is one page of a LIST, sorted by namespace and name as an API
// server's storage keeps objects, the continue token the index of the
// next object.
func (f *fakeAPI) page(gvr schema.GroupVersionResource, ns string, opts metav1.ListOptions) (*unstructured.UnstructuredList, error) {
	f.mu.Lock()
	f.lists = append(f.lists, listCall{resource: gvr.Resource, namespace: ns, cont: opts.Continue, limit: opts.Limit})
	f.mu.Unlock()
	if f.forbidden[gvr.Resource] {
		return nil, apierrors.NewForbidden(gvr.GroupResource(), "", errors.New("RBAC: access denied"))
	}
	var items []*unstructured.Unstructured
	for _, u := range f.objects {
		gvk := u.GroupVersionKind()
		if plural, _ := meta.UnsafeGuessKindToResource(gvk); plural == gvr && (ns == "" || u.GetNamespace() == ns) {
			items = append(items, u)
		}
	}
	slices.SortFunc(items, func(a, b *unstructured.Unstructured) int {
		return cmp.Compare(a.GetNamespace()+"/"+a.GetName(), b.GetNamespace()+"/"+b.GetName())
	})
	start, _ := strconv.Atoi(opts.Continue)
	end := len(items)
	if opts.Limit > 0 {
		end = min(end, start+int(opts.Limit))
	}
	list := &unstructured.UnstructuredList{Object: map[string]any{"apiVersion": gvr.GroupVersion().String(), "kind": "List"}}
	for _, u := range items[start:end] {
		list.Items = append(list.Items, *u.DeepCopy())
	}
	if end < len(items) {
		list.SetContinue(strconv.Itoa(end))
	}
	return list, nil
}

func (f *fakeAPI) getNamespace(action clienttesting.Action) (bool, runtime.Object, error) {
	name := action.(clienttesting.GetActionImpl).GetName()
	if f.forbidden["namespaces"] {
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Resource: "namespaces"}, name, errors.New("RBAC: access denied"))
	}
	for _, u := range f.objects {
		if u.GetKind() == "Namespace" && u.GetName() == name {
			return true, u.DeepCopy(), nil
		}
	}
	return true, nil, apierrors.NewNotFound(schema.GroupResource{Resource: "namespaces"}, name)
}

// calls are the LISTs of a resource the audit sent.
func (f *fakeAPI) calls(resource string) []listCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []listCall
	for _, c := range f.lists {
		if c.resource == resource {
			out = append(out, c)
		}
	}
	return out
}

// audit runs an audit of the fake with the built-in policies and profiles.
func (f *fakeAPI) audit(t testing.TB, opts Options) *scan.Report {
	t.Helper()
	engine := newEngine(t)
	profiles, err := rules.BuiltinProfiles()
	if err != nil {
		t.Fatal(err)
	}
	opts.Profiles = profiles
	rep, err := Run(context.Background(), engine, f.cluster(), opts)
	if err != nil {
		t.Fatalf("audit: %v", err)
	}
	return rep
}

// newEngine compiles the built-in policies.
func newEngine(t testing.TB) *rules.Engine {
	t.Helper()
	engine, err := rules.New(context.Background(), policies.FS())
	if err != nil {
		t.Fatal(err)
	}
	return engine
}
