package admission

import (
	"context"
	"fmt"
	"maps"

	"github.com/open-policy-agent/opa/v1/ast"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/slotwise/slotcheck/internal/rules"
)

// CachedCluster reads namespaces and the kinds the admission rules read
// (rules.Engine.Reads) from a controller-runtime cache (informers), so a
// request never waits on a live API call.
type CachedCluster struct {
	reader    client.Reader
	reads     []rules.Read
	converted *conversions
}

// InformerObjects are the kinds whose informers a CachedCluster of reads
// lists: namespaces, for their labels, and every kind read. The webhook
// starts them before it reports ready, and the chart's ClusterRole grants
// exactly them.
func InformerObjects(reads []rules.Read) ([]client.Object, error) {
	objs := []client.Object{&corev1.Namespace{}}
	for _, rd := range reads {
		gvk, err := groupVersionKind(rd)
		if err != nil {
			return nil, err
		}
		obj, err := newObject(gvk)
		if err != nil {
			return nil, err
		}
		o, ok := obj.(client.Object)
		if !ok {
			return nil, fmt.Errorf("%s is not an object with metadata", gvk)
		}
		objs = append(objs, o)
	}
	return objs, nil
}

// NewCachedCluster reads reads through c, whose informers for
// InformerObjects(reads) must be started.
func NewCachedCluster(c cache.Cache, reads []rules.Read) *CachedCluster {
	return &CachedCluster{reader: c, reads: reads, converted: newConversions(defaultSweepEvery)}
}

// NamespaceLabels returns a namespace's labels from the cache.
func (c *CachedCluster) NamespaceLabels(ctx context.Context, name string) (map[string]string, error) {
	var ns corev1.Namespace
	if err := c.reader.Get(ctx, client.ObjectKey{Name: name}, &ns); err != nil {
		return nil, err
	}
	return ns.Labels, nil
}

// Inventory returns, as rules read them, the objects of each kind read: of
// the namespace for a kind read with namespace scope, of every namespace
// for one read with cluster scope.
func (c *CachedCluster) Inventory(ctx context.Context, namespace string) (ast.Value, error) {
	inv := rules.NewInventory(c.reads)
	for _, rd := range c.reads {
		if err := c.list(ctx, inv, rd, namespace); err != nil {
			return nil, err
		}
	}
	c.converted.inventoryDone()
	return inv.Value(namespace), nil
}

// list adds the objects of one kind read to inv.
func (c *CachedCluster) list(ctx context.Context, inv *rules.Inventory, rd rules.Read, namespace string) error {
	gvk, err := groupVersionKind(rd)
	if err != nil {
		return err
	}
	obj, err := newList(gvk)
	if err != nil {
		return err
	}
	list, ok := obj.(client.ObjectList)
	if !ok {
		return fmt.Errorf("%sList is not a list", gvk)
	}
	// The objects are only read (and converted once, see conversions):
	// the cache need not copy them for each review.
	opts := []client.ListOption{client.UnsafeDisableDeepCopy}
	if rd.Scope == rules.ScopeNamespace {
		opts = append(opts, client.InNamespace(namespace))
	}
	if err := c.reader.List(ctx, list, opts...); err != nil {
		return fmt.Errorf("list %s: %w", rd.Kind, err)
	}
	items, err := meta.ExtractList(list)
	if err != nil {
		return fmt.Errorf("list %s: %w", rd.Kind, err)
	}
	for _, item := range items {
		v, err := c.converted.value(rd.Kind, item, func() (ast.Value, error) { return toValue(rd, item) })
		if err != nil {
			return err
		}
		namespace, _ := meta.NewAccessor().Namespace(item)
		inv.Add(rd.Kind, namespace, v)
	}
	return nil
}

// groupVersionKind is the API type of a kind read.
func groupVersionKind(rd rules.Read) (schema.GroupVersionKind, error) {
	gv, err := schema.ParseGroupVersion(rd.APIVersion)
	if err != nil {
		return schema.GroupVersionKind{}, fmt.Errorf("read %s: %w", rd.Kind, err)
	}
	return gv.WithKind(rd.Kind), nil
}

// newObject is a typed object of gvk when client-go's scheme (the webhook
// manager's) knows it, so that the cache keeps built-in kinds as structs,
// and an unstructured one otherwise (a custom resource).
func newObject(gvk schema.GroupVersionKind) (runtime.Object, error) {
	return typedOr(gvk, &unstructured.Unstructured{})
}

// newList is the list type of gvk, as newObject chooses it.
func newList(gvk schema.GroupVersionKind) (runtime.Object, error) {
	return typedOr(gvk.GroupVersion().WithKind(gvk.Kind+"List"), &unstructured.UnstructuredList{})
}

// typedOr is client-go's type of gvk, else fallback set to gvk when the
// scheme does not know it.
func typedOr(gvk schema.GroupVersionKind, fallback runtime.Object) (runtime.Object, error) {
	obj, err := scheme.Scheme.New(gvk)
	if runtime.IsNotRegisteredError(err) {
		fallback.GetObjectKind().SetGroupVersionKind(gvk)
		return fallback, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", gvk, err)
	}
	return obj, nil
}

// toValue converts an object of the cache to the Rego value a manifest of
// it would give: the cache strips the apiVersion and kind of typed objects.
// The object is shared with the cache and only read.
func toValue(rd rules.Read, obj runtime.Object) (ast.Value, error) {
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, fmt.Errorf("convert %s: %w", rd.Kind, err)
	}
	if _, ok := m["kind"]; !ok {
		// An unstructured object's map is the cache's own: not written to.
		m = maps.Clone(m)
		m["apiVersion"], m["kind"] = rd.APIVersion, rd.Kind
	}
	v, err := ast.InterfaceToValue(m)
	if err != nil {
		return nil, fmt.Errorf("convert %s: %w", rd.Kind, err)
	}
	return v, nil
}
