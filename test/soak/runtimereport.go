package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// webhookRuntime is what the webhook's runtime did during the soak: its
// collections from gctrace, and its /metrics before and after.
type webhookRuntime struct {
	// cycles are the collections that started during the soak.
	cycles []gcCycle
	// offset is when the process started, from the start of the soak
	// (negative: it started first).
	offset        time.Duration
	before, after scrape
	scrapeErr     error
}

// during keeps the cycles that started between the soak's start and
// elapsed.
func during(cycles []gcCycle, offset, elapsed time.Duration) []gcCycle {
	var out []gcCycle
	for _, c := range cycles {
		if at := c.at + offset; at >= 0 && at <= elapsed {
			out = append(out, c)
		}
	}
	return out
}

// printWebhookRuntime writes the webhook's collections and CPU.
func printWebhookRuntime(w io.Writer, rt webhookRuntime) {
	fmt.Fprintf(w, "webhook GC      %d collections (gctrace)", len(rt.cycles))
	if rt.scrapeErr == nil {
		fmt.Fprintf(w, ", %.0f by /metrics", delta(rt, "go_gc_cycles_total_gc_cycles_total"))
	}
	fmt.Fprintln(w)
	printCycles(w, rt.cycles)
	if rt.scrapeErr != nil {
		fmt.Fprintf(w, "webhook /metrics unknown (%v)\n", rt.scrapeErr)
		return
	}
	cpu := delta(rt, "process_cpu_seconds_total")
	gc := delta(rt, "go_cpu_classes_gc_total_cpu_seconds_total")
	fmt.Fprintf(w, "webhook CPU     %.1f s, of it collector %.2f s (assists %.2f s); allocated %.0f MB\n",
		cpu, gc, delta(rt, "go_cpu_classes_gc_mark_assist_cpu_seconds_total"), delta(rt, "go_gc_heap_allocs_bytes_total")/1e6)
	sched := histogramDelta(rt.before, rt.after, "go_sched_latencies_seconds")
	pauses := histogramDelta(rt.before, rt.after, "go_sched_pauses_total_gc_seconds")
	handler := histogramDelta(rt.before, rt.after, "slotcheck_admission_duration_seconds")
	fmt.Fprintf(w, "webhook waits   goroutine runnable, not running: p99 %s max %s; GC pauses p99 %s max %s; handler p99 %s\n",
		bound(quantile(sched, 0.99)), bound(quantile(sched, 1)), bound(quantile(pauses, 0.99)), bound(quantile(pauses, 1)), bound(quantile(handler, 0.99)))
}

// printCycles writes what the collections cost: their pauses, their mark
// phases, the CPU they took, and the heap they ran in.
func printCycles(w io.Writer, cycles []gcCycle) {
	if len(cycles) == 0 {
		return
	}
	var stw, mark []time.Duration
	var assist, background time.Duration
	var goals, live []int
	for _, c := range cycles {
		stw, mark = append(stw, c.stw()), append(mark, c.mark)
		assist, background = assist+c.assist, background+c.background
		goals, live = append(goals, c.heapGoal), append(live, c.live)
	}
	slices.Sort(stw)
	slices.Sort(mark)
	fmt.Fprintf(w, "  stop-the-world p50 %s max %s; mark (concurrent) p50 %s max %s; assists %s, workers %s of CPU in all\n",
		round(percentile(stw, 50)), round(percentile(stw, 100)), round(percentile(mark, 50)), round(percentile(mark, 100)),
		round(assist), round(background))
	fmt.Fprintf(w, "  heap goal %d-%d MB, live after a collection %d-%d MB\n", slices.Min(goals), slices.Max(goals), slices.Min(live), slices.Max(live))
}

// delta is how much a counter of the webhook's /metrics grew in the soak.
func delta(rt webhookRuntime, name string) float64 { return rt.after[name] - rt.before[name] }

// printClientRuntime writes what the soak's own runtime did: it runs on
// the same cores, and its stalls count in the latency.
func printClientRuntime(w io.Writer, secs []clientSecond, cpu time.Duration) {
	var cycles int
	var allocs uint64
	var gcCPU, pause, sched time.Duration
	for _, s := range secs {
		cycles += s.cycles
		allocs += s.allocs
		gcCPU += s.gcCPU
		pause, sched = max(pause, s.maxPause), max(sched, s.maxSchedLatency)
	}
	fmt.Fprintf(w, "client CPU      %.1f s, of it collector %.2f s (%d collections); allocated %.0f MB; GC pause max %s, goroutine runnable max %s\n",
		cpu.Seconds(), gcCPU.Seconds(), cycles, float64(allocs)/1e6, pause, sched)
}

// secondsFile is where, in the soak's folder, the figures of each second go.
const secondsFile = "seconds.tsv"

// printRuntime writes what ran beside the reviews, the webhook's runtime
// and the client's, overall and second by second, and writes every second
// to secondsFile in the soak's folder.
func printRuntime(w io.Writer, res *result, rt webhookRuntime, t *target) error {
	log, err := os.ReadFile(t.logPath)
	if err != nil {
		return fmt.Errorf("read the webhook's gctrace: %w", err)
	}
	rt.cycles = during(parseGCTrace(string(log)), rt.offset, res.elapsed)
	printWebhookRuntime(w, rt)
	printClientRuntime(w, res.samples.client, res.clientCPU)
	secs := perSecond(res.outcomes, rt.cycles, rt.offset, res.samples)
	printSeconds(w, secs, 10, rt.offset)
	f, err := os.Create(filepath.Join(t.dir, secondsFile))
	if err != nil {
		return err
	}
	if err := writeSecondsTSV(f, secs, rt.offset); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", f.Name(), err)
	}
	return f.Close()
}
