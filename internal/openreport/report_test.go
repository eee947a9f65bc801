package openreport

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	openreportsv1alpha1 "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
)

var (
	sec001 = &rules.Rule{ID: "SEC001", Section: "Container Security"}
	res001 = &rules.Rule{ID: "RES001", Section: "Resources"}
	now    = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
)

func finding(rule *rules.Rule, sev rules.Severity, name string) scan.Finding {
	return scan.Finding{
		Rule: rule, Severity: sev, Message: rule.ID + " on " + name,
		APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: name, Environment: "production",
		FieldPath: "spec.template.spec.containers[0].securityContext.runAsNonRoot", Container: "app",
	}
}

func TestBuild(t *testing.T) {
	exempted := finding(sec001, rules.SeverityError, "legacy")
	exempted.Suppressed, exempted.Reason = true, "until the rewrite"
	tests := []struct {
		name        string
		findings    []scan.Finding
		limits      Limits
		wantNil     bool
		wantSummary openreportsv1alpha1.ReportSummary
		// wantPolicies are the kept results' policies, in order.
		wantPolicies []string
		wantCapped   string
	}{
		{name: "clean namespace has no report", wantNil: true, limits: DefaultLimits},
		{
			name:         "error fails, warning warns, exemption skips; most severe first",
			findings:     []scan.Finding{finding(res001, rules.SeverityWarning, "api"), exempted, finding(sec001, rules.SeverityError, "web")},
			limits:       DefaultLimits,
			wantSummary:  openreportsv1alpha1.ReportSummary{Fail: 1, Warn: 1, Skip: 1},
			wantPolicies: []string{"SEC001", "SEC001", "RES001"},
		},
		{
			name:         "capped by count, summary still counts all",
			findings:     []scan.Finding{finding(res001, rules.SeverityWarning, "a"), finding(res001, rules.SeverityWarning, "b"), finding(sec001, rules.SeverityError, "c")},
			limits:       Limits{MaxResults: 2, MaxBytes: 1 << 20},
			wantSummary:  openreportsv1alpha1.ReportSummary{Fail: 1, Warn: 2},
			wantPolicies: []string{"SEC001", "RES001"},
			wantCapped:   "2 of 3 results kept",
		},
		{
			name:         "capped by bytes",
			findings:     []scan.Finding{finding(sec001, rules.SeverityError, "a"), finding(sec001, rules.SeverityError, "b")},
			limits:       Limits{MaxResults: 10, MaxBytes: 600},
			wantSummary:  openreportsv1alpha1.ReportSummary{Fail: 2},
			wantPolicies: []string{"SEC001"},
			wantCapped:   "1 of 2 results kept",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Build("shop", tc.findings, now, tc.limits)
			if tc.wantNil {
				if r != nil {
					t.Fatalf("got a report, want none: %+v", r)
				}
				return
			}
			if r.Name != Name || r.Namespace != "shop" || !Ours(r) || r.Source != Source {
				t.Errorf("report %s/%s labels %v source %q: want %s/shop labelled %s=%s, source %s", r.Namespace, r.Name, r.Labels, r.Source, Name, ManagedByLabel, ManagedBy, Source)
			}
			if r.Summary != tc.wantSummary {
				t.Errorf("summary %+v, want %+v", r.Summary, tc.wantSummary)
			}
			var got []string
			for _, res := range r.Results {
				got = append(got, res.Policy)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.wantPolicies) {
				t.Errorf("policies %v, want %v", got, tc.wantPolicies)
			}
			if r.Annotations[CappedAnnotation] != tc.wantCapped {
				t.Errorf("%s = %q, want %q", CappedAnnotation, r.Annotations[CappedAnnotation], tc.wantCapped)
			}
			if b, _ := json.Marshal(r.Results); tc.limits.MaxBytes < len(b) {
				t.Errorf("results take %d bytes, over the limit of %d", len(b), tc.limits.MaxBytes)
			}
		})
	}
}

func TestResult(t *testing.T) {
	tests := []struct {
		name         string
		severity     rules.Severity
		wantResult   openreportsv1alpha1.Result
		wantSeverity openreportsv1alpha1.ResultSeverity
	}{
		{name: "error", severity: rules.SeverityError, wantResult: "fail", wantSeverity: "high"},
		{name: "warning", severity: rules.SeverityWarning, wantResult: "warn", wantSeverity: "medium"},
		{name: "note", severity: rules.SeverityNote, wantResult: "warn", wantSeverity: "info"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := finding(sec001, tc.severity, "web")
			r := result(f, now)
			if r.Result != tc.wantResult || r.Severity != tc.wantSeverity {
				t.Errorf("result %s severity %s, want %s %s", r.Result, r.Severity, tc.wantResult, tc.wantSeverity)
			}
			if len(r.Subjects) != 1 || r.Subjects[0].APIVersion != "apps/v1" || r.Subjects[0].Kind != "Deployment" || r.Subjects[0].Name != "web" || r.Subjects[0].Namespace != "shop" {
				t.Errorf("subjects %+v, want apps/v1 Deployment shop/web", r.Subjects)
			}
			if r.Properties[PropertyFieldPath] != f.FieldPath || r.Properties[PropertyContainer] != "app" || r.Properties[PropertyEnvironment] != "production" {
				t.Errorf("properties %v", r.Properties)
			}
			if r.Policy != "SEC001" || r.Category != "Container Security" || !strings.Contains(r.Description, "SEC001 on web") {
				t.Errorf("policy %s category %s message %q", r.Policy, r.Category, r.Description)
			}
		})
	}
}

// TestSubjectAPIVersion: a result's subject has the apiVersion its object
// was judged at, whatever its kind: a Service, an Ingress, a configured
// custom workload.
func TestSubjectAPIVersion(t *testing.T) {
	tests := []struct {
		name, apiVersion, kind string
	}{
		{name: "workload", apiVersion: "apps/v1", kind: "Deployment"},
		{name: "core kind", apiVersion: "v1", kind: "Service"},
		{name: "networking kind", apiVersion: "networking.k8s.io/v1", kind: "Ingress"},
		{name: "configured custom workload", apiVersion: "argoproj.io/v1alpha1", kind: "Rollout"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := finding(sec001, rules.SeverityError, "web")
			f.APIVersion, f.Kind = tc.apiVersion, tc.kind
			got := result(f, now).Subjects
			if len(got) != 1 || got[0].APIVersion != tc.apiVersion || got[0].Kind != tc.kind {
				t.Errorf("subjects %+v, want %s %s", got, tc.apiVersion, tc.kind)
			}
		})
	}
}
