package irvm

import (
	"cmp"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/open-policy-agent/opa/v1/ast"
)

// invokePure answers a pure function from the values it had before (a
// quantity the rules parse on every object, say). A call that raised a
// built-in error is not kept: every evaluation reports it. Where a
// function's values are kept, and whether at all, its pureStats decide: the
// value is the same either way.
func (e *evaluator) invokePure(fn *function, args []*ast.Term) (*ast.Term, int) {
	st := &e.pure.stats[fn.index]
	mode := st.mode.Load()
	if mode == pureOff {
		return e.run(fn, args)
	}
	params := args[2:]
	hash := fn.index
	for _, a := range params {
		hash = hash*31 + a.Hash()
	}
	if mode == pureLocal {
		if en, ok := e.local[hash]; ok && en.holds(fn.index, params) {
			st.local.Add(1)
			return en.result, fellThrough
		}
	} else if en, ok := e.pure.get(fn.index, hash, params); ok {
		st.hit(en.eval == e.eval)
		return en.result, fellThrough
	}
	st.missed(mode)
	// The arguments are copied first: args lives in a buffer the calls
	// the function makes reuse.
	en := pureEntry{fn: fn.index, args: slices.Clone(params), eval: e.eval}
	errs := len(e.errs)
	t, k := e.run(fn, args)
	if k == aborted || len(e.errs) != errs {
		return t, k
	}
	en.result = t
	if mode == pureLocal {
		if e.local == nil {
			e.local = map[int]pureEntry{}
		}
		e.local[hash] = en
	} else {
		e.pure.put(hash, en)
	}
	return t, k
}

// Where a function's values are kept: in the query's cache, for every
// evaluation (pureShared); in the evaluator, for the evaluation that
// worked them out (pureLocal); nowhere (pureOff). A function starts
// shared and moves on, never back, when too few of its values are asked
// for again (pureStats.missed).
const (
	pureShared int32 = iota
	pureLocal
	pureOff
)

// pureStats counts how one function's values are asked for again, to keep
// them only where they are: a lookup in the query's cache costs hashing
// the arguments, a lock and, for a value found, comparing its arguments
// with those asked for; and a value kept there holds its arguments and
// result alive, for the collector to trace on each cycle, until the cache
// lets it go. Many of the functions the rules call on each container (its
// /tmp mounts, a probe's endpoint) are asked for again only within the
// evaluation of the object that holds it, if at all: kept in the query's
// cache, their arguments (the containers) were most of a scan's live heap.
type pureStats struct {
	mode atomic.Int32
	// shared counts the values found that another evaluation had worked
	// out, local those the same evaluation had.
	shared, local, misses atomic.Uint64
}

// pureProbe is how many misses a function's hits are judged after, and
// again after each as many; pureMinHitRate is the rate (one hit in so many
// misses) a way of keeping its values must reach to go on.
const (
	pureProbe      = 256
	pureMinHitRate = 8
)

// hit counts a value found in the query's cache, own when the evaluation
// asking had worked it out.
func (st *pureStats) hit(own bool) {
	if own {
		st.local.Add(1)
	} else {
		st.shared.Add(1)
	}
}

// missed counts a miss and, every pureProbe of them, moves the function on
// when its hits fall short: to its evaluator's cache when values are found
// again in the evaluation that worked them out but seldom in others, and
// off when they are seldom found again at all.
func (st *pureStats) missed(mode int32) {
	m := st.misses.Add(1)
	if m%pureProbe != 0 {
		return
	}
	enough := m / pureMinHitRate
	switch shared, local := st.shared.Load(), st.local.Load(); {
	case mode == pureShared && shared >= enough:
	case shared+local >= enough:
		st.mode.CompareAndSwap(pureShared, pureLocal)
	default:
		st.mode.Store(pureOff)
	}
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
	// stats are the functions' counts, by index.
	stats []pureStats
	// evals numbers the evaluations, for pureEntry.eval.
	evals   atomic.Uint64
	mu      sync.Mutex
	entries map[int][]pureEntry
	older   map[int][]pureEntry
	size    int
	// limit replaces pureCacheSize when set (in tests).
	limit int
}

// pureCacheSize is a generation's bound. Each entry holds its arguments,
// parts of judged objects: at 100,000 objects two generations of 65,536
// held some 80 MB more at the peak than two of 16,384 (641 against 556 MB
// RSS), and took no less time; the values asked for again and again (NET001's
// index of a namespace) stay in either.
const pureCacheSize = 1 << 14

type pureEntry struct {
	fn     int
	args   []*ast.Term
	result *ast.Term
	// eval is the evaluation that worked the value out.
	eval uint64
}

// holds reports whether en is fn's value under args.
func (en *pureEntry) holds(fn int, args []*ast.Term) bool {
	return en.fn == fn && slices.EqualFunc(en.args, args, (*ast.Term).Equal)
}

// get is fn's value under args, if kept. The arguments are compared outside
// the lock: a hit deep-compares them (containers the rules built, say), and
// every worker of a scan asks the one cache, so comparing under the lock
// kept the other workers waiting. What is read outside it does not change:
// an entry is never written once added, and appending to a hash's entries
// never writes within the length a reader took.
func (c *pureCache) get(fn, hash int, args []*ast.Term) (pureEntry, bool) {
	c.mu.Lock()
	newer, older := c.entries[hash], c.older[hash]
	c.mu.Unlock()
	if en, ok := find(newer, fn, args); ok {
		return en, true
	}
	en, ok := find(older, fn, args)
	if ok {
		// Two evaluations may both move it back; the second copy only
		// takes a slot until the generation turns.
		c.put(hash, en)
	}
	return en, ok
}

// find is the entry of fn under args among those of one hash.
func find(entries []pureEntry, fn int, args []*ast.Term) (pureEntry, bool) {
	for i := range entries {
		if entries[i].holds(fn, args) {
			return entries[i], true
		}
	}
	return pureEntry{}, false
}

func (c *pureCache) put(hash int, en pureEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.add(hash, en)
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
