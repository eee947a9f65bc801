package irvm

import "github.com/open-policy-agent/opa/v1/ast"

// pureEntryMaxCost is the most a cache entry is reckoned to hold, and so
// how far pureCost walks: an argument may be a large value that lives
// elsewhere anyway (a namespace's inventory), and reckoning it whole
// would both take time on every value kept and push out values asked for
// again and again.
const pureEntryMaxCost = 16 << 10

// The bytes reckoned for a term and for each element of a collection
// value, rounded to the allocator's classes on 64-bit platforms; a
// string's or number's text comes on top. They need not be exact: they
// weigh one entry against another.
const (
	termCost       = 32
	textCost       = 16
	arrayCost      = 64
	arrayElemCost  = 16
	objectCost     = 112
	objectElemCost = 88
	setCost        = 96
	setElemCost    = 40
)

// pureCost reckons the bytes a cache entry of args and result holds, at
// most pureEntryMaxCost; terms shared with other entries, or with what
// lives anyway, are reckoned in each.
func pureCost(args []*ast.Term, result *ast.Term) int {
	w := costWalk{left: pureEntryMaxCost}
	for _, a := range args {
		if w.term(a) {
			return pureEntryMaxCost
		}
	}
	w.term(result)
	return pureEntryMaxCost - max(w.left, 0)
}

// costWalk reckons terms' bytes against what is left of a budget.
type costWalk struct {
	left int
}

// term reckons t and reports whether the budget is spent.
func (w *costWalk) term(t *ast.Term) bool {
	if t == nil {
		return w.left <= 0
	}
	w.left -= termCost
	switch v := t.Value.(type) {
	case ast.String:
		w.left -= textCost + len(v)
	case ast.Number:
		w.left -= textCost + len(v)
	case ast.Var:
		w.left -= textCost + len(v)
	case ast.Ref:
		w.left -= arrayCost
		return w.terms(v)
	case *ast.Array:
		w.left -= arrayCost + v.Len()*arrayElemCost
		for i := range v.Len() {
			if w.left <= 0 || w.term(v.Elem(i)) {
				return true
			}
		}
	case ast.Object:
		w.left -= objectCost + v.Len()*objectElemCost
		return w.left <= 0 || v.Until(func(k, val *ast.Term) bool { return w.term(k) || w.term(val) })
	case ast.Set:
		w.left -= setCost + v.Len()*setElemCost
		return w.left <= 0 || v.Until(w.term)
	}
	return w.left <= 0
}

// terms reckons ts and reports whether the budget is spent.
func (w *costWalk) terms(ts []*ast.Term) bool {
	for _, t := range ts {
		if w.term(t) {
			return true
		}
	}
	return w.left <= 0
}
