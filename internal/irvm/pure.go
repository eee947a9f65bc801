package irvm

import (
	"cmp"
	"slices"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
)

// invokePure answers a pure function from the values it had in earlier
// evaluations (a quantity the rules parse on every object, say). A call
// that raised a built-in error is not kept: every evaluation reports it.
func (e *evaluator) invokePure(fn *function, args []*ast.Term) (*ast.Term, int) {
	hash := fn.index
	for _, a := range args[2:] {
		hash = hash*31 + a.Hash()
	}
	if t, ok := e.pure.get(fn.index, hash, args[2:]); ok {
		return t, fellThrough
	}
	// The arguments are copied first: args lives in a buffer the calls
	// the function makes reuse.
	key := slices.Clone(args[2:])
	errs := len(e.errs)
	t, k := e.run(fn, args)
	if k != aborted && len(e.errs) == errs {
		e.pure.put(fn.index, hash, key, t)
	}
	return t, k
}

// pureCache holds values of pure functions, shared by a query's
// evaluations. It holds two generations of at most pureCacheSize entries:
// when the newer fills up it becomes the older, and the older is let go,
// but for the values asked for meanwhile, which move back into the newer.
// So a webhook judging objects for months holds a bounded number, values it
// no longer meets are let go, and a value met again and again stays, however
// many others come and go: a scan of 100,000 objects asks each of 50
// namespaces' NetworkPolicy index (NET001) thousands of times among
// millions of one-off values, and working one out again costs as much as
// judging hundreds of objects.
type pureCache struct {
	mu      sync.Mutex
	entries map[int][]pureEntry
	older   map[int][]pureEntry
	size    int
	// limit replaces pureCacheSize when set (in tests).
	limit int
}

const pureCacheSize = 1 << 16

type pureEntry struct {
	fn     int
	args   []*ast.Term
	result *ast.Term
}

func (c *pureCache) get(fn, hash int, args []*ast.Term) (*ast.Term, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if en, ok := find(c.entries[hash], fn, args); ok {
		return en.result, true
	}
	en, ok := find(c.older[hash], fn, args)
	if !ok {
		return nil, false
	}
	c.add(hash, en)
	return en.result, true
}

// find is the entry of fn under args among those of one hash.
func find(entries []pureEntry, fn int, args []*ast.Term) (pureEntry, bool) {
	for _, en := range entries {
		if en.fn == fn && slices.EqualFunc(en.args, args, (*ast.Term).Equal) {
			return en, true
		}
	}
	return pureEntry{}, false
}

func (c *pureCache) put(fn, hash int, args []*ast.Term, result *ast.Term) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.add(hash, pureEntry{fn: fn, args: args, result: result})
}

// add puts en in the newer generation, which first becomes the older if
// it is full. The caller holds the lock.
func (c *pureCache) add(hash int, en pureEntry) {
	if c.size >= cmp.Or(c.limit, pureCacheSize) {
		c.older, c.entries, c.size = c.entries, nil, 0
	}
	if c.entries == nil {
		c.entries = map[int][]pureEntry{}
	}
	c.entries[hash] = append(c.entries[hash], en)
	c.size++
}
