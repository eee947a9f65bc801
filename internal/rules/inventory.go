package rules

import (
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
)

// Reads lists the kinds the rules read from input.inventory, each once,
// sorted by kind; with admission, only those of the rules the admission
// webhook evaluates. It is what an inventory holds and what the webhook
// watches: a rule that reads a new kind needs no Go.
func (e *Engine) Reads(admission bool) []Read {
	return kindsOf(e.rules, admission, func(r *Rule) []Read { return r.Reads }, func(rd Read) string { return rd.Kind })
}

// Inventory indexes the objects cross-object rules read (input.inventory).
// Adding and reading may happen from several goroutines.
type Inventory struct {
	mu         sync.Mutex
	scopes     map[string]Scope
	namespaced map[string]map[string][]*ast.Term
	cluster    map[string][]*ast.Term
	views      map[string]ast.Value
}

// NewInventory returns an empty inventory of the kinds reads names (see
// Engine.Reads).
func NewInventory(reads []Read) *Inventory {
	scopes := make(map[string]Scope, len(reads))
	for _, rd := range reads {
		scopes[rd.Kind] = rd.Scope
	}
	return &Inventory{
		scopes:     scopes,
		namespaced: map[string]map[string][]*ast.Term{},
		cluster:    map[string][]*ast.Term{},
		views:      map[string]ast.Value{},
	}
}

// Add records obj when its kind is one the inventory holds, and reports
// whether it did.
func (inv *Inventory) Add(kind, namespace string, obj ast.Value) bool {
	scope, ok := inv.scopes[kind]
	if !ok {
		return false
	}
	inv.mu.Lock()
	defer inv.mu.Unlock()
	if scope == ScopeNamespace {
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
