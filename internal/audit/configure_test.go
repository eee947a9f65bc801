package audit

import (
	"slices"
	"testing"
	"time"

	"github.com/slotwise/slotcheck/internal/config"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
)

// configured holds one production Deployment whose image tag IMG002 finds
// mutable and whose annotation exempts SEC006.
const configured = `
apiVersion: v1
kind: Namespace
metadata: {name: shop-prod}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop-prod
  uid: d1
  annotations:
    slotcheck.slotwise.com/exempt-SEC006: "team says fine"
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: "nginx:build-7"}]
`

// parseConfiguration decodes a configuration file for an audit.
func parseConfiguration(t *testing.T, src string) *scan.Configuration {
	t.Helper()
	f, errs := config.Parse([]byte(src), ".slotcheck.yaml")
	if len(errs) > 0 {
		t.Fatalf("configuration: %v", errs)
	}
	return scan.NewConfiguration(f)
}

// finding is the first finding of a rule in rep; nil when there is none.
func finding(rep *scan.Report, id string) *scan.Finding {
	for f := range rep.All() {
		if f.Rule.ID == id {
			return &f
		}
	}
	return nil
}

// TestRunAppliesConfiguration: an audit applies the configuration file as
// lint and the webhook do: its exemptions (by namespace, name, container,
// never by path in a cluster, not once expired), disabled rules, severities
// per environment and input.config; and, told to, ignores annotations.
func TestRunAppliesConfiguration(t *testing.T) {
	const exempt = "version: 1\nexemptions:\n- rules: [IMG002]\n  reason: vendor tags\n"
	for _, tc := range []struct {
		name              string
		config            string
		ignoreAnnotations bool
		// rule is the finding looked at; absent says it must not be
		// reported, else suppressed and severity are what it must have.
		rule       string
		absent     bool
		suppressed bool
		severity   rules.Severity
	}{
		{name: "no configuration", rule: "IMG002", severity: rules.SeverityError},
		{name: "exemption by namespace, name and container", config: exempt + "  namespaces: ['shop-*']\n  names: [web]\n  containers: [app]\n",
			rule: "IMG002", suppressed: true, severity: rules.SeverityError},
		{name: "exemption of another namespace", config: exempt + "  namespaces: ['tools']\n", rule: "IMG002", severity: rules.SeverityError},
		{name: "paths never match in a cluster", config: exempt + "  paths: ['**']\n", rule: "IMG002", severity: rules.SeverityError},
		{name: "expired exemption", config: exempt + "  expires: 2026-12-01\n", rule: "IMG002", severity: rules.SeverityError},
		{name: "exemption in date", config: exempt + "  expires: 2027-06-30\n", rule: "IMG002", suppressed: true, severity: rules.SeverityError},
		{name: "disabled rule", config: "version: 1\nrules:\n  IMG002: {disabled: true}\n", rule: "IMG002", absent: true},
		{name: "severity of the namespace's environment", config: "version: 1\nrules:\n  SEC001:\n    severity: error\n    environmentSeverity: {production: note}\n",
			rule: "SEC001", severity: rules.SeverityNote},
		{name: "severity of another environment", config: "version: 1\nrules:\n  SEC001:\n    environmentSeverity: {development: note}\n",
			rule: "SEC001", severity: rules.SeverityError},
		{name: "image tags as input.config", config: "version: 1\nimageTags:\n  immutable: ['^build-[0-9]+$']\n", rule: "IMG002", absent: true},
		{name: "annotation exempts by default", rule: "SEC006", suppressed: true, severity: rules.SeverityError},
		{name: "annotation ignored", ignoreAnnotations: true, rule: "SEC006", severity: rules.SeverityError},
		{name: "configuration exempts when annotations are ignored", ignoreAnnotations: true,
			config: "version: 1\nexemptions:\n- rules: [SEC006]\n  reason: platform says fine\n", rule: "SEC006", suppressed: true, severity: rules.SeverityError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := Options{Now: time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC), IgnoreAnnotations: tc.ignoreAnnotations}
			if tc.config != "" {
				opts.Configuration = parseConfiguration(t, tc.config)
			}
			rep := newFakeAPI(t, configured).audit(t, opts)
			f := finding(rep, tc.rule)
			switch {
			case tc.absent && f != nil:
				t.Fatalf("%s reported: %+v", tc.rule, *f)
			case tc.absent:
				return
			case f == nil:
				t.Fatalf("%s not reported: %v", tc.rule, ids(rep, "shop-prod/Deployment/web"))
			}
			if f.Suppressed != tc.suppressed || f.Severity != tc.severity {
				t.Errorf("%s: suppressed %v (%q), severity %s; want suppressed %v, severity %s", tc.rule, f.Suppressed, f.Reason, f.Severity, tc.suppressed, tc.severity)
			}
		})
	}
}

// TestRunListsDisabledRules: the audit's targets carry the rules the
// configuration turns off, so that reports do not count them as passed.
func TestRunListsDisabledRules(t *testing.T) {
	rep := newFakeAPI(t, configured).audit(t, Options{Configuration: parseConfiguration(t, "version: 1\nrules:\n  IMG002: {disabled: true}\n")})
	if len(rep.Targets) != 1 || !slices.Equal(rep.Targets[0].Disabled, []string{"IMG002"}) {
		t.Errorf("targets %+v: want one, with IMG002 disabled", rep.Targets)
	}
}
