package background

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestMetricsResetSeries: a namespace fixed between two audits loses its
// series instead of keeping the last value.
func TestMetricsResetSeries(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	if n, err := testutil.GatherAndCount(reg); err != nil || n != 0 {
		t.Fatalf("%d series before any audit (%v), want none", n, err)
	}
	shop := findingSeries{namespace: "shop", rule: "SEC001", severity: "error"}
	bank := findingSeries{namespace: "bank", rule: "RES001", severity: "warning"}
	audits := []struct {
		name string
		tally
		want string
	}{
		{name: "both", tally: tally{findings: map[findingSeries]int{shop: 2, bank: 1}, objects: 5, errors: 1}, want: `
slotcheck_audit_findings{namespace="bank",rule="RES001",severity="warning"} 1
slotcheck_audit_findings{namespace="shop",rule="SEC001",severity="error"} 2
`},
		{name: "bank fixed", tally: tally{findings: map[findingSeries]int{shop: 1}, objects: 5}, want: `
slotcheck_audit_findings{namespace="shop",rule="SEC001",severity="error"} 1
`},
	}
	for _, a := range audits {
		if err := m.record(&a.tally, time.Unix(1000, 0), 2*time.Second); err != nil {
			t.Fatal(err)
		}
		want := "# HELP slotcheck_audit_findings Findings of the last background audit by namespace, rule and severity (exempted findings not counted).\n# TYPE slotcheck_audit_findings gauge" + a.want
		if err := testutil.CollectAndCompare(m.findings, strings.NewReader(want)); err != nil {
			t.Errorf("%s: %v", a.name, err)
		}
		if got := testutil.ToFloat64(m.objects); got != float64(a.objects) {
			t.Errorf("%s: objects %v, want %d", a.name, got, a.objects)
		}
		if got := testutil.ToFloat64(m.errors); got != float64(a.errors) {
			t.Errorf("%s: errors %v, want %d", a.name, got, a.errors)
		}
		if got := testutil.ToFloat64(m.duration); got != 2 {
			t.Errorf("%s: duration %v, want 2", a.name, got)
		}
	}
}
