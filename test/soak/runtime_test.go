package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestParseGCTrace(t *testing.T) {
	const log = `{"level":"info","msg":"Starting webhook server"}
gc 7 @12.345s 3%: 0.21+41+0.87 ms clock, 0.42+5.5/16/6.6+1.7 ms cpu, 130->133->22 MB, 134 MB goal, 0 MB stacks, 0 MB globals, 2 P
gc 8 @13.5s 3%: 0.21+4{"level":"error","msg":"unable to decode the request"}
gc 9 @14.000s 4% (checking for goroutine leaks): 1+2+3 ms clock, 0+0.5/1/2+0 ms cpu, 10->11->5 MB, 12 MB goal, 0 MB stacks, 0 MB globals, 2 P
`
	got := parseGCTrace(log)
	want := []gcCycle{
		{n: 7, at: 12345 * time.Millisecond, sweepTerm: 210 * time.Microsecond, mark: 41 * time.Millisecond, markTerm: 870 * time.Microsecond,
			assist: 5500 * time.Microsecond, background: 16 * time.Millisecond, idle: 6600 * time.Microsecond, heapStart: 130, live: 22, heapGoal: 134},
		{n: 9, at: 14 * time.Second, sweepTerm: time.Millisecond, mark: 2 * time.Millisecond, markTerm: 3 * time.Millisecond,
			assist: 500 * time.Microsecond, background: time.Millisecond, idle: 2 * time.Millisecond, heapStart: 10, live: 5, heapGoal: 12},
	}
	if len(got) != len(want) {
		t.Fatalf("parseGCTrace = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("cycle %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if c := got[0]; c.stw() != 1080*time.Microsecond || c.clock() != 42080*time.Microsecond {
		t.Errorf("stw %s clock %s, want 1.08ms 42.08ms", c.stw(), c.clock())
	}
}

func TestParseMetricsAndQuantile(t *testing.T) {
	const before = `# HELP go_gc_cycles_total_gc_cycles_total Count of completed GC cycles.
go_gc_cycles_total_gc_cycles_total 10
go_sched_latencies_seconds_bucket{le="0.001"} 90
go_sched_latencies_seconds_bucket{le="0.01"} 100
go_sched_latencies_seconds_bucket{le="+Inf"} 100
`
	const after = `go_gc_cycles_total_gc_cycles_total 25
go_sched_latencies_seconds_bucket{le="0.001"} 980
go_sched_latencies_seconds_bucket{le="0.01"} 1095
go_sched_latencies_seconds_bucket{le="+Inf"} 1100
slotcheck_admission_duration_seconds_bucket{kind="Deployment",le="0.01"} 3
slotcheck_admission_duration_seconds_bucket{kind="Deployment",le="+Inf"} 3
slotcheck_admission_duration_seconds_bucket{kind="Pod",le="0.01"} 1
slotcheck_admission_duration_seconds_bucket{kind="Pod",le="+Inf"} 2
`
	b, err := parseMetrics(strings.NewReader(before))
	if err != nil {
		t.Fatal(err)
	}
	a, err := parseMetrics(strings.NewReader(after))
	if err != nil {
		t.Fatal(err)
	}
	if d := delta(webhookRuntime{before: b, after: a}, "go_gc_cycles_total_gc_cycles_total"); d != 15 {
		t.Errorf("delta of cycles = %v, want 15", d)
	}
	// 1000 new observations: 890 up to 1ms, 105 more up to 10ms, 5 beyond.
	h := histogramDelta(b, a, "go_sched_latencies_seconds")
	tests := []struct {
		name string
		q    float64
		want float64
	}{
		{name: "p50 in the first bucket", q: 0.5, want: 0.001},
		{name: "p99 in the second", q: 0.99, want: 0.01},
		{name: "max beyond the last bound", q: 1, want: math.Inf(1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := quantile(h, tt.q); got != tt.want {
				t.Errorf("quantile(%v) = %v, want %v", tt.q, got, tt.want)
			}
		})
	}
	// Summed over its labels: 4 of 5 up to 10ms.
	if got := quantile(histogramDelta(b, a, "slotcheck_admission_duration_seconds"), 0.8); got != 0.01 {
		t.Errorf("p80 of the handler's time = %v, want 0.01", got)
	}
	if got := quantile(histogramDelta(b, a, "absent"), 0.99); got != 0 {
		t.Errorf("quantile of a missing histogram = %v, want 0", got)
	}
}

func TestPerSecond(t *testing.T) {
	ms := func(v int) time.Duration { return time.Duration(v) * time.Millisecond }
	outcomes := []outcome{
		{at: ms(100), latency: ms(1)},
		{at: ms(900), latency: ms(2), late: ms(1)},
		{at: ms(1100), latency: ms(80), late: ms(7), newConn: true},
		{at: ms(2500), latency: ms(3)},
	}
	// The process started 5 s before the soak: a cycle at 6.05 s of its
	// clock is at 1.05 s of the soak's, and one of 1 s overlaps the third
	// second as well.
	cycles := []gcCycle{
		{n: 1, at: ms(6050), sweepTerm: ms(1), mark: ms(30), markTerm: ms(1)},
		{n: 2, at: ms(6900), mark: ms(1000)},
	}
	sampled := samples{client: []clientSecond{{cycles: 1}}, cpu: []cpuSecond{{machine: 2, webhook: 0.5, client: 0.25, controlPlane: 0.05}, {machine: 1.9, webhook: 0.3}}}
	secs := perSecond(outcomes, cycles, -5*time.Second, sampled)
	if len(secs) != 3 {
		t.Fatalf("%d seconds, want 3: %+v", len(secs), secs)
	}
	tests := []struct {
		name     string
		got      second
		count    int
		max      time.Duration
		late     time.Duration
		conns    int
		gc       int
		clientGC int
		slow     bool
	}{
		{name: "first", got: secs[0], count: 2, max: ms(2), late: ms(1), clientGC: 1},
		{name: "second, slow, two cycles, the neighbours busy", got: secs[1], count: 1, max: ms(80), late: ms(7), conns: 1, gc: 2, slow: true},
		{name: "third, a cycle running on", got: secs[2], count: 1, max: ms(3), gc: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.got
			if s.count != tt.count || s.max != tt.max || s.late != tt.late || s.newConns != tt.conns || len(s.gc) != tt.gc || s.client.cycles != tt.clientGC || s.slow() != tt.slow {
				t.Errorf("second = %+v", s)
			}
		})
	}
	var b strings.Builder
	printSeconds(&b, secs, 2, -5*time.Second)
	for _, want := range []string{"3, 1 of them slow (p99 over 10ms); p99 of the median second 3ms, of the 90th percentile second 80ms", "with a collection of the webhook     2 seconds,    1 slow; without:    1,    0 slow", "+50 2.0/30 0", "-100 0.0/1000 0", "with the neighbours over a core      2 seconds,    1 slow", "0.30 0.00 0.00 1.60"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
	var tsv strings.Builder
	if err := writeSecondsTSV(&tsv, secs, -5*time.Second); err != nil || strings.Count(tsv.String(), "\n") != 4 {
		t.Errorf("seconds.tsv: %v\n%s", err, tsv.String())
	}
}

func TestDuring(t *testing.T) {
	cycles := []gcCycle{{n: 1, at: time.Second}, {n: 2, at: 3 * time.Second}, {n: 3, at: 9 * time.Second}}
	got := during(cycles, -2*time.Second, 5*time.Second)
	if len(got) != 1 || got[0].n != 2 {
		t.Errorf("during = %+v, want cycle 2 alone", got)
	}
}

func TestWithGCTrace(t *testing.T) {
	for in, want := range map[string]string{"": "gctrace=1", "http2debug=1": "http2debug=1,gctrace=1"} {
		if got := withGCTrace(in); got != want {
			t.Errorf("withGCTrace(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestProcStat(t *testing.T) {
	dir := t.TempDir()
	write := func(path, s string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, path)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, path), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	self := os.Getpid()
	// A command with spaces and parentheses, as a process may name itself.
	write("41/stat", fmt.Sprintf("41 (kube-apiserver) S %d 1 1 0 -1 0 0 0 0 0 70 30 0 0 20 0 9 0 1 1 1\n", self))
	write("42/stat", fmt.Sprintf("42 (etcd) S %d 1 1 0 -1 0 0 0 0 0 5 5 0 0 20 0 9 0 1 1 1\n", self))
	write("43/stat", "43 (etcd) S 1 1 1 0 -1 0 0 0 0 0 500 500 0 0 20 0 9 0 1 1 1\n")
	write("50/stat", "50 (slotcheck (web) hook) S 1 1 1 0 -1 0 0 0 0 0 200 100 0 0 20 0 9 0 1 1 1\n")
	write("stat", "cpu  1000 0 500 9000 100 0 0 0 0 0\ncpu0 1 2 3\n")
	p := newProcSampler(dir, 50)
	if len(p.controlPlane) != 2 {
		t.Fatalf("control plane %v, want the two children of the soak", p.controlPlane)
	}
	if r := p.last; r.webhook != 300 || r.controlPlane != 110 || r.machine != 1500 {
		t.Errorf("reading %+v, want webhook 300, control plane 110, machine 1500 ticks", r)
	}
	if _, _, ok := statFields("no command"); ok {
		t.Error("statFields of a line without a command: ok")
	}
	if got := (cpuSecond{machine: 1.5, webhook: 0.4, client: 0.3, controlPlane: 0.1}).others(); got < 0.699 || got > 0.701 {
		t.Errorf("others = %v, want 0.7", got)
	}
	if got := (cpuSecond{machine: 0.1, webhook: 0.4}).others(); got != 0 {
		t.Errorf("others = %v, want 0 when the parts add up to more than the machine", got)
	}
}

func TestPrintRuntime(t *testing.T) {
	before, err := parseMetrics(strings.NewReader("go_gc_cycles_total_gc_cycles_total 3\nprocess_cpu_seconds_total 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	after, err := parseMetrics(strings.NewReader("go_gc_cycles_total_gc_cycles_total 5\nprocess_cpu_seconds_total 13.5\n" +
		"go_cpu_classes_gc_total_cpu_seconds_total 1.25\ngo_gc_heap_allocs_bytes_total 3.5e9\n" +
		`slotcheck_admission_duration_seconds_bucket{kind="Pod",le="0.01"} 99` + "\n" +
		`slotcheck_admission_duration_seconds_bucket{kind="Pod",le="+Inf"} 100` + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	cycles := []gcCycle{
		{n: 4, sweepTerm: time.Millisecond, mark: 30 * time.Millisecond, assist: 2 * time.Millisecond, heapGoal: 130, live: 20},
		{n: 5, markTerm: 3 * time.Millisecond, mark: 50 * time.Millisecond, assist: 8 * time.Millisecond, heapGoal: 150, live: 40},
	}
	tests := []struct {
		name  string
		print func(w *strings.Builder)
		want  []string
	}{
		{name: "webhook", print: func(w *strings.Builder) {
			printWebhookRuntime(w, webhookRuntime{cycles: cycles, before: before, after: after})
		}, want: []string{"2 collections (gctrace), 2 by /metrics", "stop-the-world p50 1ms max 3ms", "assists 10ms",
			"heap goal 130-150 MB, live after a collection 20-40 MB", "12.5 s, of it collector 1.25 s", "allocated 3500 MB", "handler p99 ≤10ms"}},
		{name: "webhook without /metrics", print: func(w *strings.Builder) {
			printWebhookRuntime(w, webhookRuntime{cycles: cycles, scrapeErr: os.ErrNotExist})
		}, want: []string{"2 collections (gctrace)\n", "webhook /metrics unknown"}},
		{name: "client", print: func(w *strings.Builder) {
			printClientRuntime(w, []clientSecond{{cycles: 1, allocs: 2e6, gcCPU: 10 * time.Millisecond, maxPause: time.Millisecond}, {cycles: 2, allocs: 3e6, maxSchedLatency: 5 * time.Millisecond}}, 3*time.Second)
		}, want: []string{"client CPU      3.0 s, of it collector 0.01 s (3 collections); allocated 5 MB; GC pause max 1ms, goroutine runnable max 5ms"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			tt.print(&b)
			for _, want := range tt.want {
				if !strings.Contains(b.String(), want) {
					t.Errorf("report lacks %q:\n%s", want, b.String())
				}
			}
		})
	}
}

func TestSamplerCountsCollections(t *testing.T) {
	s := newSampler(newProcSampler(t.TempDir(), 0))
	keep := make([]byte, 4<<20)
	runtime.GC()
	s.sample()
	runtime.KeepAlive(keep)
	if len(s.samples.client) != 1 || len(s.samples.cpu) != 1 {
		t.Fatalf("samples %+v, want one second", s.samples)
	}
	c := s.samples.client[0]
	if c.cycles < 1 || c.allocs < 4<<20 || c.maxPause <= 0 {
		t.Errorf("after a collection and 4 MiB: %+v, want a cycle, 4 MiB allocated and a pause", c)
	}
}
