package admission

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/slotwise/slotcheck/internal/rules"
)

var (
	readNetworkPolicy  = rules.Read{Kind: "NetworkPolicy", APIVersion: "networking.k8s.io/v1", Scope: rules.ScopeNamespace}
	readHPA            = rules.Read{Kind: "HorizontalPodAutoscaler", APIVersion: "autoscaling/v2", Scope: rules.ScopeNamespace}
	readServiceMonitor = rules.Read{Kind: "ServiceMonitor", APIVersion: "monitoring.coreos.com/v1", Scope: rules.ScopeCluster}
)

// fakeReader is a fake client holding objs, with client-go's kinds in a
// scheme of its own: the fake client registers each unstructured list kind
// it lists (ServiceMonitorList) in its scheme, and in client-go's global
// scheme newList would then make that list without its kind, failing the
// next run of a test in the process (go test -count=2).
func fakeReader(t *testing.T, objs ...client.Object) client.WithWatch {
	t.Helper()
	s := runtime.NewScheme()
	if err := scheme.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	return fake.NewClientBuilder().WithScheme(s).WithObjects(objs...).Build()
}

// TestInformerObjects: namespaces, then one object per kind read, typed when
// client-go knows the kind and unstructured (with its kind) when it does not.
func TestInformerObjects(t *testing.T) {
	objs, err := InformerObjects([]rules.Read{readNetworkPolicy, readServiceMonitor})
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 3 {
		t.Fatalf("got %d objects, want 3: %v", len(objs), objs)
	}
	if _, ok := objs[0].(*corev1.Namespace); !ok {
		t.Errorf("first informer %T, want *v1.Namespace", objs[0])
	}
	if _, ok := objs[1].(*networkingv1.NetworkPolicy); !ok {
		t.Errorf("NetworkPolicy informer %T, want the typed object", objs[1])
	}
	u, ok := objs[2].(*unstructured.Unstructured)
	if want := (schema.GroupVersionKind{Group: "monitoring.coreos.com", Version: "v1", Kind: "ServiceMonitor"}); !ok || u.GroupVersionKind() != want {
		t.Errorf("ServiceMonitor informer %T %v, want unstructured %v", objs[2], objs[2].GetObjectKind().GroupVersionKind(), want)
	}
}

// TestCachedClusterInventory: a kind read with namespace scope is listed in
// the target's namespace, one read with cluster scope in every namespace,
// and each object comes back as its manifest would read, kind included.
func TestCachedClusterInventory(t *testing.T) {
	monitor := func(ns string) *unstructured.Unstructured {
		u := &unstructured.Unstructured{}
		u.SetGroupVersionKind(schema.GroupVersionKind{Group: "monitoring.coreos.com", Version: "v1", Kind: "ServiceMonitor"})
		u.SetName("sm")
		u.SetNamespace(ns)
		return u
	}
	objs := []client.Object{
		&networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "np", Namespace: "shop"}},
		&networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "np", Namespace: "other"}},
		&autoscalingv2.HorizontalPodAutoscaler{ObjectMeta: metav1.ObjectMeta{Name: "hpa", Namespace: "other"}},
		monitor("shop"), monitor("monitoring"),
	}
	c := &CachedCluster{
		reader:    fakeReader(t, objs...),
		reads:     []rules.Read{readHPA, readNetworkPolicy, readServiceMonitor},
		converted: newConversions(defaultSweepEvery),
	}
	v, err := c.Inventory(context.Background(), "shop")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"NetworkPolicy":  {"networking.k8s.io/v1 NetworkPolicy shop/np"},
		"ServiceMonitor": {"monitoring.coreos.com/v1 ServiceMonitor monitoring/sm", "monitoring.coreos.com/v1 ServiceMonitor shop/sm"},
	}
	raw, err := ast.JSON(v)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for kind, items := range raw.(map[string]any) {
		for _, item := range items.([]any) {
			o := item.(map[string]any)
			md := o["metadata"].(map[string]any)
			got[kind] = append(got[kind], fmt.Sprintf("%v %v %v/%v", o["apiVersion"], o["kind"], md["namespace"], md["name"]))
		}
		slices.Sort(got[kind])
	}
	if !maps.EqualFunc(got, want, slices.Equal) {
		t.Errorf("inventory of shop\n got %v\nwant %v", got, want)
	}
}

// TestCachedClusterConvertsOnce: an object of the cache is converted once
// and its value reused for as long as it is unchanged; a changed object is
// converted again, and the value of one no inventory reads any more is
// dropped after two sweeps.
func TestCachedClusterConvertsOnce(t *testing.T) {
	ctx := context.Background()
	np := &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "np", Namespace: "shop"}}
	reader := fakeReader(t, np)
	c := &CachedCluster{reader: reader, reads: []rules.Read{readNetworkPolicy}, converted: newConversions(4)}
	policy := func() ast.Value {
		t.Helper()
		v, err := c.Inventory(ctx, "shop")
		if err != nil {
			t.Fatal(err)
		}
		items, ok := v.(ast.Object).Get(ast.StringTerm("NetworkPolicy")).Value.(*ast.Array)
		if !ok || items.Len() != 1 {
			t.Fatalf("inventory %v, want one NetworkPolicy", v)
		}
		return items.Elem(0).Value
	}
	first := policy()
	if again := policy(); again != first {
		t.Errorf("an unchanged object was converted again")
	}
	var current networkingv1.NetworkPolicy
	if err := reader.Get(ctx, client.ObjectKeyFromObject(np), &current); err != nil {
		t.Fatal(err)
	}
	current.Labels = map[string]string{"changed": "yes"}
	if err := reader.(client.Client).Update(ctx, &current); err != nil {
		t.Fatal(err)
	}
	changed := policy()
	if changed == first || !strings.Contains(changed.String(), `"changed": "yes"`) {
		t.Errorf("a changed object kept its old value: %v", changed)
	}
	if n := c.converted.size(); n != 1 {
		t.Fatalf("%d conversions remembered, want 1", n)
	}
	for range 2 * 4 {
		if _, err := c.Inventory(ctx, "other"); err != nil {
			t.Fatal(err)
		}
	}
	if n := c.converted.size(); n != 0 {
		t.Errorf("%d conversions remembered after two sweeps without reading them, want 0", n)
	}
}
