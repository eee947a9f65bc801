package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"

	"github.com/slotwise/slotcheck/internal/gcpace"
)

// gcFloor is the heap a process grows to before it collects garbage at all,
// unless its container allows less.
const gcFloor = 64 << 20

// gcCeiling is the soft limit on the memory of a scan whose live heap is
// small: half a container's memory, if less.
const gcCeiling = 128 << 20

// tuneGC paces the collector for a scan. A scan keeps only the inventory
// and the findings live while it makes some 65 KB of garbage per object
// judged. Paced by Go's default, at twice a few megabytes, the collector
// would run hundreds of times to free little each time; paced at twice
// what it finds live, the heap outgrows what the scan needs, the more so
// on a busy machine, where a collection takes long and what is allocated
// meanwhile counts as live. So the heap grows to a floor of 64 MiB before
// each collection, and to twice what is live once that is more, under a
// soft limit of 128 MiB on the process's memory (the binary's own pages,
// some 55 MiB, come on top), raised to twice what is live once two thirds
// of it is live, so that the collector never runs without end on a large
// scan.
// Near the limit the collector runs more often: that is the price of the
// bound. GOGC or GOMEMLIMIT in the environment take precedence.
//
// An audit has its own policy (boundAudit).
func tuneGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	floor, ceiling := uint64(gcFloor), uint64(gcCeiling)
	if c, ok := gcpace.ContainerMemory(os.ReadFile); ok {
		ceiling = min(ceiling, uint64(c/2))
		floor = min(floor, ceiling/2)
	}
	// Until the first collection nothing is live to pace by: the limit
	// alone sets when it happens, and each collection then sets the pace
	// for the next (gcPacer.retune).
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(int64(floor))
	p := &gcPacer{floor: floor, ceiling: ceiling, live: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	p.arm()
}

// gcPacer sets the collector's pace after each collection.
type gcPacer struct {
	floor, ceiling uint64
	live           []metrics.Sample
}

// gcSentinel is garbage whose finalizer runs after the collection that
// finds it: the only hook a Go program has into the end of a cycle. Its
// pointer keeps it out of the tiny allocator, whose blocks are finalized
// late or never.
type gcSentinel struct{ p *gcPacer }

// arm makes the next collection call retune.
func (p *gcPacer) arm() {
	runtime.SetFinalizer(&gcSentinel{p: p}, func(s *gcSentinel) {
		s.p.retune()
		s.p.arm()
	})
}

// retune paces the next collection by what the last one left live.
func (p *gcPacer) retune() {
	metrics.Read(p.live)
	if p.live[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	live := p.live[0].Value.Uint64()
	debug.SetGCPercent(gcPercent(live, p.floor))
	debug.SetMemoryLimit(memoryLimit(live, p.ceiling))
}

// gcPercent is the GOGC that lets a heap with live bytes live grow to the
// floor before the next collection, and to twice live once that is more.
func gcPercent(live, floor uint64) int {
	if live == 0 {
		live = 1
	}
	if 2*live >= floor {
		return 100
	}
	return int(min((floor-live)*100/live, math.MaxInt32))
}

// memoryLimit is the soft limit on the process's memory once live bytes
// are live: the ceiling while a collection frees at least a third of the
// heap under it, then twice what is live, which is Go's own pace. A limit
// kept at half again what is live cost a scan of 100,000 objects two and a
// half times the CPU time of Go's pace (150 s against 58 s on an idle
// machine) to save a third of its memory, while neither meets the bound a
// small scan keeps.
func memoryLimit(live, ceiling uint64) int64 {
	if live <= ceiling/3*2 {
		return int64(min(ceiling, math.MaxInt64))
	}
	if live > math.MaxInt64/2 {
		return math.MaxInt64
	}
	return int64(2 * live)
}
