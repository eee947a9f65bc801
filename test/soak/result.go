package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"time"
)

// result is the soak's measurements.
type result struct {
	outcomes     []outcome
	start        time.Time
	elapsed      time.Duration
	samples      samples       // the soak's own runtime and the CPU used, second by second
	clientCPU    time.Duration // the soak's process's CPU time during the soak
	rssWarmup    int64         // KiB
	rssWarmupErr error
	rssEnd       int64 // KiB
	rssEndErr    error
	panicked     bool
	exited       bool
	loadEnd      string
}

// percentile is the nearest-rank p-th percentile (0 < p <= 100) of sorted.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(float64(len(sorted))*p/100+0.999999999) - 1
	return sorted[max(0, min(rank, len(sorted)-1))]
}

// spread is the median, the 99th percentile and the longest of sorted: the
// figures the report gives of every set of latencies.
func spread(sorted []time.Duration) (p50, p99, longest time.Duration) {
	return percentile(sorted, 50), percentile(sorted, 99), percentile(sorted, 100)
}

// spreadText writes spread as the report's latency lines do.
func spreadText(sorted []time.Duration) string {
	p50, p99, longest := spread(sorted)
	return fmt.Sprintf("p50 %s  p99 %s  max %s", round(p50), round(p99), round(longest))
}

// counts tallies key(o) over the outcomes.
func (r *result) counts(key func(outcome) string) map[string]int {
	m := map[string]int{}
	for _, o := range r.outcomes {
		m[key(o)]++
	}
	return m
}

func (r *result) malformed() []outcome {
	var bad []outcome
	for _, o := range r.outcomes {
		if o.problem != "" {
			bad = append(bad, o)
		}
	}
	return bad
}

// print writes the report.
func (r *result) print(w io.Writer) {
	lat := make([]time.Duration, len(r.outcomes))
	for i, o := range r.outcomes {
		lat[i] = o.latency
	}
	slices.Sort(lat)
	bad := r.malformed()
	fmt.Fprintf(w, "reviews         %d in %s (%.0f/s)\n", len(r.outcomes), r.elapsed.Round(time.Millisecond), float64(len(r.outcomes))/r.elapsed.Seconds())
	fmt.Fprintf(w, "latency         %s (from when each review was due)\n", spreadText(lat))
	printByClass(w, byClass(r.outcomes))
	late, sent := make([]time.Duration, len(r.outcomes)), make([]time.Duration, len(r.outcomes))
	conns := 0
	for i, o := range r.outcomes {
		late[i], sent[i] = o.late, o.latency-o.late
		if o.newConn {
			conns++
		}
	}
	slices.Sort(late)
	slices.Sort(sent)
	fmt.Fprintf(w, "client late     %s (from when a review was due to when the client began to send it)\n", spreadText(late))
	fmt.Fprintf(w, "latency sent    %s (from when the client began to send each review)\n", spreadText(sent))
	fmt.Fprintf(w, "connections     %d opened, each a TLS handshake\n", conns)
	fmt.Fprintf(w, "well-formed     %d\nmalformed       %d\n", len(r.outcomes)-len(bad), len(bad))
	for i, o := range bad {
		if i == 10 {
			fmt.Fprintf(w, "  ... and %d more\n", len(bad)-i)
			break
		}
		fmt.Fprintf(w, "  %s: %s\n", o.class, o.problem)
	}
	fmt.Fprintln(w, "by HTTP code")
	printCounts(w, r.counts(func(o outcome) string { return o.code }))
	fmt.Fprintln(w, "by class and verdict")
	printCounts(w, r.counts(func(o outcome) string { return o.class + ": " + o.verdict }))
	fmt.Fprintf(w, "RSS after warm-up %s\nRSS at the end    %s\n", kib(r.rssWarmup, r.rssWarmupErr), kib(r.rssEnd, r.rssEndErr))
	fmt.Fprintf(w, "panicked        %t\nexited early    %t\nload average at the end %s\n", r.panicked, r.exited, r.loadEnd)
}

// failures lists the goals that do not hold.
func (r *result) failures(maxGrowth float64) []string {
	var f []string
	if n := len(r.malformed()); n > 0 {
		f = append(f, fmt.Sprintf("%d malformed or missing responses", n))
	}
	if r.panicked {
		f = append(f, "the webhook panicked")
	}
	if r.exited {
		f = append(f, "the webhook exited during the soak")
	}
	switch {
	case r.rssWarmupErr != nil || r.rssEndErr != nil:
		f = append(f, fmt.Sprintf("RSS not read: %v %v", r.rssWarmupErr, r.rssEndErr))
	case float64(r.rssEnd) > float64(r.rssWarmup)*(1+maxGrowth):
		f = append(f, fmt.Sprintf("RSS grew from %d KiB after warm-up to %d KiB (more than %.0f%%)", r.rssWarmup, r.rssEnd, maxGrowth*100))
	}
	return f
}

func printCounts(w io.Writer, m map[string]int) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		fmt.Fprintf(w, "  %-50s %d\n", k, m[k])
	}
}

func round(d time.Duration) time.Duration { return d.Round(10 * time.Microsecond) }

func kib(v int64, err error) string {
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	return fmt.Sprintf("%d KiB (%.1f MiB)", v, float64(v)/1024)
}
