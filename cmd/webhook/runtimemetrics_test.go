package main

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// TestRuntimeMetrics holds /metrics to the series test/soak reads to tie a
// slow second to the collector or the scheduler.
func TestRuntimeMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	if err := registerRuntimeMetrics(reg); err != nil {
		t.Fatal(err)
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range families {
		got[f.GetName()] = true
	}
	for _, name := range []string{
		"go_gc_cycles_total_gc_cycles_total",
		"go_gc_duration_seconds",
		"go_sched_latencies_seconds",
		"go_sched_pauses_total_gc_seconds",
		"go_cpu_classes_gc_total_cpu_seconds_total",
		"go_cpu_classes_gc_mark_assist_cpu_seconds_total",
		"go_gc_gogc_percent",
		"go_gc_heap_allocs_bytes_total",
		"process_cpu_seconds_total",
		"process_resident_memory_bytes",
	} {
		if !got[name] {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	if err := registerRuntimeMetrics(reg); err == nil {
		t.Error("registering twice: no error")
	}
}
