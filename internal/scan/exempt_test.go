package scan_test

import (
	"slices"
	"testing"

	"github.com/slotwise/slotcheck/internal/config"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
)

// TestConfigurationApply: what the one application of a configuration,
// shared by a scan and the webhook, makes of a finding.
func TestConfigurationApply(t *testing.T) {
	e, err := testEngine()
	if err != nil {
		t.Fatal(err)
	}
	sec006, _ := e.Rule("SEC006")
	src := `version: 1
rules:
  SEC006: {severity: warning, environmentSeverity: {production: error}}
  NET003: {disabled: true}
exemptions:
- {rules: [SEC006], names: [other], reason: not this object}
- {rules: [SEC006], reason: gone, expires: 2026-12-01}
- {rules: [SEC006], containers: [app], reason: first in date}
- {rules: [SEC006], namespaces: ["shop-*"], reason: second in date}
`
	f, errs := config.Parse([]byte(src), "c.yaml")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	c := scan.NewConfiguration(f)
	subject := config.Subject{Kind: "Deployment", Namespace: "shop-a", Name: "web"}
	for _, tc := range []struct {
		name       string
		finding    scan.Finding
		keep       bool
		severity   rules.Severity
		suppressed bool
		reason     string
		want       scan.Exempted
	}{
		{name: "exempted by the first in date; the expired one listed",
			finding: scan.Finding{Rule: sec006, Severity: rules.SeverityError, Environment: "staging", Container: "app"},
			keep:    true, severity: rules.SeverityWarning, suppressed: true, reason: "first in date",
			want: scan.Exempted{By: 2, Matched: []int{2, 3}, Expired: []int{1}}},
		{name: "already exempted by an annotation",
			finding: scan.Finding{Rule: sec006, Severity: rules.SeverityError, Environment: "production", Container: "app", Suppressed: true, Reason: "annotation"},
			keep:    true, severity: rules.SeverityError, suppressed: true, reason: "annotation",
			want: scan.Exempted{By: -1, Matched: []int{2, 3}, Expired: []int{1}}},
		{name: "another container",
			finding: scan.Finding{Rule: sec006, Severity: rules.SeverityError, Environment: "production", Container: "sidecar"},
			keep:    true, severity: rules.SeverityError, suppressed: true, reason: "second in date",
			want: scan.Exempted{By: 3, Matched: []int{3}, Expired: []int{1}}},
		{name: "rule turned off",
			finding: scan.Finding{Rule: &rules.Rule{ID: "NET003"}, Severity: rules.SeverityWarning},
			want:    scan.Exempted{By: -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.finding
			keep, ex := c.Apply(&f, subject, config.NewDate(today))
			if keep != tc.keep || ex.By != tc.want.By || !slices.Equal(ex.Matched, tc.want.Matched) || !slices.Equal(ex.Expired, tc.want.Expired) {
				t.Fatalf("keep %v, %+v; want %v, %+v", keep, ex, tc.keep, tc.want)
			}
			if keep && (f.Severity != tc.severity || f.Suppressed != tc.suppressed || f.Reason != tc.reason) {
				t.Errorf("severity %s, suppressed %v (%q); want %s, %v (%q)", f.Severity, f.Suppressed, f.Reason, tc.severity, tc.suppressed, tc.reason)
			}
		})
	}
}
