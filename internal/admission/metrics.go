package admission

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the webhook's Prometheus metrics.
type Metrics struct {
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	findings   *prometheus.CounterVec
	evalErrors prometheus.Counter
	certExpiry prometheus.Gauge
}

// NewMetrics creates the metrics and registers them with reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "slotcheck_admission_requests_total",
			Help: "Admission requests by kind, operation and verdict (allowed, denied, warned, audited, skipped, excluded, failed-open, failed-closed, error).",
		}, []string{"kind", "operation", "verdict"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "slotcheck_admission_duration_seconds",
			Help:    "Time to answer an admission request, by kind, operation and verdict.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"kind", "operation", "verdict"}),
		findings: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "slotcheck_admission_findings_total",
			Help: "Findings by rule and what the webhook did with them (deny, warn, audit, ratcheted, suppressed, note), each finding counted once.",
		}, []string{"rule", "action"}),
		evalErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "slotcheck_policy_evaluation_errors_total",
			Help: "Requests the policies could not evaluate (denied, or allowed with a warning when fail-open).",
		}),
		certExpiry: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "slotcheck_certificate_expiry_timestamp_seconds",
			Help: "When the serving certificate expires, in seconds since the Unix epoch.",
		}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.latency, m.findings, m.evalErrors, m.certExpiry} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *Metrics) observe(kind, operation, verdict string, d time.Duration) {
	m.requests.WithLabelValues(kind, operation, verdict).Inc()
	m.latency.WithLabelValues(kind, operation, verdict).Observe(d.Seconds())
}

func (m *Metrics) finding(rule, action string) { m.findings.WithLabelValues(rule, action).Inc() }

func (m *Metrics) evalError() { m.evalErrors.Inc() }

// CertificateExpires records when the serving certificate expires.
func (m *Metrics) CertificateExpires(t time.Time) { m.certExpiry.Set(float64(t.Unix())) }
