package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
)

// gcFloor is the heap a process grows to before it collects garbage at all,
// unless its container allows less.
const gcFloor = 128 << 20

// tuneGC keeps Go's pacing of the collector (the heap grows to twice what
// is live before the next collection) but never collects below a floor:
// 128 MiB, or a quarter of the memory the process's container may use if
// that is less. A scan keeps only the inventory and the findings live while
// it makes some 80 KB of garbage per object judged; paced at twice a few
// megabytes, the collector would run hundreds of times to free little each
// time. GOGC or GOMEMLIMIT in the environment take precedence.
//
// An audit has its own policy (boundAudit).
func tuneGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	floor := uint64(gcFloor)
	if c, ok := containerMemory(os.ReadFile); ok && uint64(c/4) < floor {
		floor = uint64(c / 4)
	}
	// Until the first collection nothing is live to pace by: the limit
	// alone sets when it happens, and each collection then sets the pace
	// for the next (gcPacer.retune).
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(int64(floor))
	p := &gcPacer{floor: floor, live: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	p.arm()
}

// gcPacer sets the collector's pace after each collection.
type gcPacer struct {
	floor uint64
	live  []metrics.Sample
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
	debug.SetGCPercent(gcPercent(p.live[0].Value.Uint64(), p.floor))
	debug.SetMemoryLimit(math.MaxInt64)
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

// containerMemory reads the memory limit of the process's cgroup (v2, then
// v1) with read; a missing or unlimited one reads as none.
func containerMemory(read func(string) ([]byte, error)) (int64, bool) {
	for _, path := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := read(path)
		if err != nil {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		if err != nil || n <= 0 || n >= 1<<60 {
			return 0, false
		}
		return n, true
	}
	return 0, false
}
