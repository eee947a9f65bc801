package background

import (
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the background audit's Prometheus gauges: each tells what
// the last completed audit found, so a dashboard shows the cluster's
// state, not a history of passes. They are registered when the first
// audit completes: a replica that never leads exports none, rather than
// zeros that would read as an audit that never ran.
type Metrics struct {
	reg        prometheus.Registerer
	registered bool
	findings   *prometheus.GaugeVec
	last       prometheus.Gauge
	duration   prometheus.Gauge
	objects    prometheus.Gauge
	errors     prometheus.Gauge
	// series are the findings' label sets the last audit set, so that the
	// next one deletes those that went away instead of leaving them at
	// their old value.
	series map[findingSeries]bool
}

// findingSeries is one label set of slotcheck_audit_findings.
type findingSeries struct {
	namespace, rule, severity string
}

// NewMetrics creates the gauges, to be registered with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	return &Metrics{
		reg: reg,
		findings: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "slotcheck_audit_findings",
			Help: "Findings of the last background audit by namespace, rule and severity (exempted findings not counted).",
		}, []string{"namespace", "rule", "severity"}),
		last: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "slotcheck_audit_last_run_timestamp_seconds",
			Help: "When the last background audit finished, in seconds since the Unix epoch.",
		}),
		duration: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "slotcheck_audit_duration_seconds",
			Help: "How long the last background audit took.",
		}),
		objects: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "slotcheck_audit_objects",
			Help: "Objects the last background audit judged (owned Pods and ReplicaSets are judged through their controllers).",
		}),
		errors: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "slotcheck_audit_errors",
			Help: "Errors of the last background audit: kinds that could not be read, objects that could not be judged, reports that could not be written.",
		}),
		series: map[findingSeries]bool{},
	}
}

// register registers the gauges once.
func (m *Metrics) register() error {
	if m.registered {
		return nil
	}
	for _, c := range []prometheus.Collector{m.findings, m.last, m.duration, m.objects, m.errors} {
		if err := m.reg.Register(c); err != nil {
			return fmt.Errorf("register audit metrics: %w", err)
		}
	}
	m.registered = true
	return nil
}

// tally is what one audit found, as the gauges show it.
type tally struct {
	findings map[findingSeries]int
	objects  int
	errors   int
	// noReports: the cluster serves no Reports, so this audit writes none.
	noReports bool
}

func newTally() *tally { return &tally{findings: map[findingSeries]int{}} }

// record sets the gauges to a completed audit's tally and deletes the
// findings' series it no longer has.
func (m *Metrics) record(t *tally, finished time.Time, took time.Duration) error {
	if err := m.register(); err != nil {
		return err
	}
	for s := range m.series {
		if _, ok := t.findings[s]; !ok {
			m.findings.DeleteLabelValues(s.namespace, s.rule, s.severity)
			delete(m.series, s)
		}
	}
	for s, n := range t.findings {
		m.findings.WithLabelValues(s.namespace, s.rule, s.severity).Set(float64(n))
		m.series[s] = true
	}
	m.last.Set(float64(finished.Unix()))
	m.duration.Set(took.Seconds())
	m.objects.Set(float64(t.objects))
	m.errors.Set(float64(t.errors))
	return nil
}
