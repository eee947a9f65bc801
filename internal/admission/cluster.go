package admission

import (
	"context"
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/slotwise/slotcheck/internal/rules"
)

// CachedCluster reads namespaces, NetworkPolicies and HPAs from a
// controller-runtime cache (informers), so a request never waits on a live
// API call. ServiceMonitors are not read: OBS001 judges Services, which the
// webhook does not.
type CachedCluster struct {
	reader client.Reader
}

// InformerObjects are the kinds whose informers CachedCluster reads; the
// webhook starts them before it reports ready.
func InformerObjects() []client.Object {
	return []client.Object{&corev1.Namespace{}, &networkingv1.NetworkPolicy{}, &autoscalingv2.HorizontalPodAutoscaler{}}
}

// NewCachedCluster reads through c, whose informers for InformerObjects
// must be started.
func NewCachedCluster(c cache.Cache) *CachedCluster { return &CachedCluster{reader: c} }

// NamespaceLabels returns a namespace's labels from the cache.
func (c *CachedCluster) NamespaceLabels(ctx context.Context, name string) (map[string]string, error) {
	var ns corev1.Namespace
	if err := c.reader.Get(ctx, client.ObjectKey{Name: name}, &ns); err != nil {
		return nil, err
	}
	return ns.Labels, nil
}

// Inventory returns the NetworkPolicies and HPAs of a namespace as rules read them.
func (c *CachedCluster) Inventory(ctx context.Context, namespace string) (ast.Value, error) {
	inv := rules.NewInventory()
	var nps networkingv1.NetworkPolicyList
	if err := c.reader.List(ctx, &nps, client.InNamespace(namespace)); err != nil {
		return nil, fmt.Errorf("list NetworkPolicies: %w", err)
	}
	for i := range nps.Items {
		if err := add(inv, "NetworkPolicy", namespace, &nps.Items[i]); err != nil {
			return nil, err
		}
	}
	var hpas autoscalingv2.HorizontalPodAutoscalerList
	if err := c.reader.List(ctx, &hpas, client.InNamespace(namespace)); err != nil {
		return nil, fmt.Errorf("list HorizontalPodAutoscalers: %w", err)
	}
	for i := range hpas.Items {
		if err := add(inv, "HorizontalPodAutoscaler", namespace, &hpas.Items[i]); err != nil {
			return nil, err
		}
	}
	return inv.Value(namespace), nil
}

// add converts a typed object to the Rego value a manifest of it would give.
func add(inv *rules.Inventory, kind, namespace string, obj runtime.Object) error {
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return fmt.Errorf("convert %s: %w", kind, err)
	}
	v, err := ast.InterfaceToValue(m)
	if err != nil {
		return fmt.Errorf("convert %s: %w", kind, err)
	}
	inv.Add(kind, namespace, v)
	return nil
}
