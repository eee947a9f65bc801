package main

import (
	"math"
	"runtime/metrics"
	"syscall"
	"time"
)

// The soak's own runtime figures it reads each second: the client shares
// the machine with the webhook, and its collections and scheduling delays
// count in the latency it measures.
const (
	mCycles   = "/gc/cycles/total:gc-cycles"
	mAllocs   = "/gc/heap/allocs:bytes"
	mGCCPU    = "/cpu/classes/gc/total:cpu-seconds"
	mGCPauses = "/sched/pauses/total/gc:seconds"
	mSchedLat = "/sched/latencies:seconds"
)

// clientSecond is what the soak's own runtime did in one second.
type clientSecond struct {
	cycles int
	allocs uint64 // bytes
	gcCPU  time.Duration
	// maxPause and maxSchedLatency are upper bounds of the histogram
	// buckets of the longest stop-the-world pause for the collector and of
	// the longest a goroutine waited, runnable, for a thread.
	maxPause, maxSchedLatency time.Duration
}

// sampler reads, once a second, the soak's runtime metrics and the CPU
// time of the machine and of the soak's processes.
type sampler struct {
	last    []metrics.Sample
	proc    *procSampler
	samples samples
}

// samples are the sampler's readings, second by second.
type samples struct {
	client []clientSecond
	cpu    []cpuSecond
}

func newSampler(proc *procSampler) *sampler {
	s := &sampler{proc: proc}
	s.last = s.read()
	return s
}

func (s *sampler) read() []metrics.Sample {
	out := []metrics.Sample{{Name: mCycles}, {Name: mAllocs}, {Name: mGCCPU}, {Name: mGCPauses}, {Name: mSchedLat}}
	metrics.Read(out)
	return out
}

// run samples each second until stop is closed, then once more.
func (s *sampler) run(stop <-chan struct{}, done chan<- samples) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			s.sample()
		case <-stop:
			s.sample()
			done <- s.samples
			return
		}
	}
}

func (s *sampler) sample() {
	now := s.read()
	s.samples.client = append(s.samples.client, diffClient(s.last, now))
	s.last = now
	s.samples.cpu = append(s.samples.cpu, s.proc.sample())
}

// diffClient is what happened between two readings.
func diffClient(a, b []metrics.Sample) clientSecond {
	return clientSecond{
		cycles:          int(uint64Of(b[0]) - uint64Of(a[0])),
		allocs:          uint64Of(b[1]) - uint64Of(a[1]),
		gcCPU:           time.Duration((float64Of(b[2]) - float64Of(a[2])) * float64(time.Second)),
		maxPause:        maxNew(a[3], b[3]),
		maxSchedLatency: maxNew(a[4], b[4]),
	}
}

func uint64Of(s metrics.Sample) uint64 {
	if s.Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s.Value.Uint64()
}

func float64Of(s metrics.Sample) float64 {
	if s.Value.Kind() != metrics.KindFloat64 {
		return 0
	}
	return s.Value.Float64()
}

// maxNew is the upper bound of the highest bucket that gained a count
// between two readings of a histogram.
func maxNew(a, b metrics.Sample) time.Duration {
	if a.Value.Kind() != metrics.KindFloat64Histogram || b.Value.Kind() != metrics.KindFloat64Histogram {
		return 0
	}
	ha, hb := a.Value.Float64Histogram(), b.Value.Float64Histogram()
	for i := len(hb.Counts) - 1; i >= 0; i-- {
		if i < len(ha.Counts) && hb.Counts[i] > ha.Counts[i] {
			upper := hb.Buckets[i+1]
			if math.IsInf(upper, 1) {
				upper = hb.Buckets[i]
			}
			return time.Duration(upper * float64(time.Second))
		}
	}
	return 0
}

// processCPU is the CPU time, user and system, the soak's process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
