// Package gcpace paces the garbage collector of a long-running server whose
// live heap is small: Go's default pacing (collect when the heap doubles)
// then collects every few megabytes of garbage, and each cycle costs every
// running request write barriers, assists and preemptions. The pacer keeps
// Go's rule (the heap may grow to twice what is live) but never collects
// below a floor sized from the process's memory limit.
package gcpace

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
)

// DefaultFloor is the heap a server grows to before it collects garbage,
// unless its memory limit allows less (Floor).
const DefaultFloor = 128 << 20

// Env is what Start reads of the process's surroundings; tests replace it.
type Env struct {
	// Getenv reads an environment variable (os.Getenv).
	Getenv func(string) string
	// ReadFile reads a file (os.ReadFile), for the cgroup's memory limit.
	ReadFile func(string) ([]byte, error)
}

// Floor is the heap below which the collector does not run: DefaultFloor,
// or a quarter of the memory limit when that is less. The limit is the
// smaller of GOMEMLIMIT (as the runtime holds it) and the container's
// cgroup limit; a quarter leaves room for a heap twice what is live, and for
// the collector's own overhead, below it.
func Floor(env Env) uint64 {
	floor := uint64(DefaultFloor)
	if limit := debug.SetMemoryLimit(-1); limit > 0 && limit < math.MaxInt64 && uint64(limit/4) < floor {
		floor = uint64(limit / 4)
	}
	if c, ok := ContainerMemory(env.ReadFile); ok && uint64(c/4) < floor {
		floor = uint64(c / 4)
	}
	return floor
}

// Start paces the collector above Floor(env) and returns a function that
// hands pacing back to GOGC's default. With GOGC set in the environment it
// does nothing: the operator chose. GOMEMLIMIT stays in force either way:
// the runtime still collects harder as the heap nears it.
func Start(env Env) (stop func()) {
	if env.Getenv("GOGC") != "" {
		return func() {}
	}
	return StartWith(Pacing{Floor: Floor(env)})
}

// Pacing is how StartWith paces the collector.
type Pacing struct {
	// Floor is the heap below which the collector does not run.
	Floor uint64
	// Limit, when set, is the soft memory limit to hold the process to
	// once live bytes are live (0 before the first collection); it is set
	// after every collection, as the pace is. A batch job bounds its
	// memory with it; a server leaves it nil, to GOMEMLIMIT.
	Limit func(live uint64) int64
}

// StartWith paces the collector as pacing says, whatever the environment:
// the caller has read it. It returns a function that hands pacing back.
func StartWith(pacing Pacing) (stop func()) {
	p := &pacer{pacing: pacing, live: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	p.previous = debug.SetGCPercent(100)
	if pacing.Limit != nil {
		p.previousLimit = debug.SetMemoryLimit(pacing.Limit(0))
	}
	p.retune()
	p.arm()
	return p.stop
}

// pacer sets the collector's pace after each collection.
type pacer struct {
	pacing        Pacing
	live          []metrics.Sample
	previous      int
	previousLimit int64
	mu            sync.Mutex
	stopped       bool
}

// sentinel is garbage whose finalizer runs after the collection that finds
// it: the only hook a Go program has into the end of a cycle. Its pointer
// keeps it out of the tiny allocator, whose blocks are finalized late or
// never.
type sentinel struct{ p *pacer }

// arm makes the next collection call retune.
func (p *pacer) arm() {
	runtime.SetFinalizer(&sentinel{p: p}, func(s *sentinel) {
		if s.p.retune() {
			s.p.arm()
		}
	})
}

// retune paces the next collection by what the last one left live, and
// reports whether pacing goes on.
func (p *pacer) retune() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return false
	}
	metrics.Read(p.live)
	// Before the first collection nothing is known to be live: Go's own
	// pacing stands until a collection says what is.
	if p.live[0].Value.Kind() == metrics.KindUint64 && p.live[0].Value.Uint64() > 0 {
		live := p.live[0].Value.Uint64()
		debug.SetGCPercent(Percent(live, p.pacing.Floor))
		if p.pacing.Limit != nil {
			debug.SetMemoryLimit(p.pacing.Limit(live))
		}
	}
	return true
}

func (p *pacer) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.stopped {
		p.stopped = true
		debug.SetGCPercent(p.previous)
		if p.pacing.Limit != nil {
			debug.SetMemoryLimit(p.previousLimit)
		}
	}
}

// Percent is the GOGC that lets a heap with live bytes live grow to the
// floor before the next collection, and to twice live once that is more.
func Percent(live, floor uint64) int {
	if live == 0 {
		live = 1
	}
	if 2*live >= floor {
		return 100
	}
	return int(min((floor-live)*100/live, math.MaxInt32))
}

// ContainerMemory reads the memory limit of the process's cgroup (v2, then
// v1) with read; a missing or unlimited one reads as none.
func ContainerMemory(read func(string) ([]byte, error)) (int64, bool) {
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
