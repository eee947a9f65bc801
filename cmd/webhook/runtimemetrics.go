package main

import (
	"fmt"
	"regexp"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// registerRuntimeMetrics adds the Go runtime's and the process's metrics
// to reg. controller-runtime registers them only along with its
// controllers, which the webhook does not run, so without this /metrics
// says nothing of the collector's pauses and CPU, the scheduler's delays
// or the process's CPU and memory: what tells a stall of the process from
// a slow review (docs/webhook.md, "Memory and the collector").
func registerRuntimeMetrics(reg prometheus.Registerer) error {
	cpu := collectors.GoRuntimeMetricsRule{Matcher: regexp.MustCompile(`^/cpu/classes/.*`)}
	for _, c := range []prometheus.Collector{
		collectors.NewGoCollector(collectors.WithGoCollectorRuntimeMetrics(collectors.MetricsGC, collectors.MetricsScheduler, cpu)),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	} {
		if err := reg.Register(c); err != nil {
			return fmt.Errorf("register the runtime's metrics: %w", err)
		}
	}
	return nil
}
