package rules

import (
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
)

// inventoryScope says which kinds cross-object rules read and how far they
// look: a NetworkPolicy or HPA only acts in its own namespace, a
// ServiceMonitor may select Services of any namespace.
func inventoryScope(kind string) (namespaced, ok bool) {
	switch kind {
	case "NetworkPolicy", "HorizontalPodAutoscaler":
		return true, true
	case "ServiceMonitor":
		return false, true
	}
	return false, false
}

// Inventory indexes the objects cross-object rules read (input.inventory).
// Adding and reading may happen from several goroutines.
type Inventory struct {
	mu         sync.Mutex
	namespaced map[string]map[string][]*ast.Term
	cluster    map[string][]*ast.Term
	views      map[string]ast.Value
}

// NewInventory returns an empty inventory.
func NewInventory() *Inventory {
	return &Inventory{
		namespaced: map[string]map[string][]*ast.Term{},
		cluster:    map[string][]*ast.Term{},
		views:      map[string]ast.Value{},
	}
}

// Add records obj when its kind is one cross-object rules read, and reports
// whether it did.
func (inv *Inventory) Add(kind, namespace string, obj ast.Value) bool {
	namespaced, ok := inventoryScope(kind)
	if !ok {
		return false
	}
	inv.mu.Lock()
	defer inv.mu.Unlock()
	if namespaced {
		if inv.namespaced[namespace] == nil {
			inv.namespaced[namespace] = map[string][]*ast.Term{}
		}
		inv.namespaced[namespace][kind] = append(inv.namespaced[namespace][kind], ast.NewTerm(obj))
	} else {
		inv.cluster[kind] = append(inv.cluster[kind], ast.NewTerm(obj))
	}
	clear(inv.views)
	return true
}

// Value is input.inventory for a target in namespace: the namespaced kinds of
// that namespace and the cluster-wide kinds of every namespace.
func (inv *Inventory) Value(namespace string) ast.Value {
	if inv == nil {
		return ast.NewObject()
	}
	inv.mu.Lock()
	defer inv.mu.Unlock()
	if v, ok := inv.views[namespace]; ok {
		return v
	}
	obj := ast.NewObject()
	for kind, terms := range inv.namespaced[namespace] {
		obj.Insert(ast.StringTerm(kind), ast.ArrayTerm(terms...))
	}
	for kind, terms := range inv.cluster {
		obj.Insert(ast.StringTerm(kind), ast.ArrayTerm(terms...))
	}
	inv.views[namespace] = obj
	return obj
}
