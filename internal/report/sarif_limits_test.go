package report

import (
	"strings"
	"testing"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
)

func TestSARIFLimitsAdvice(t *testing.T) {
	rule := &rules.Rule{ID: "SEC001"}
	report := func(findings, suppressed int) *scan.Report {
		rep := &scan.Report{}
		for i := range findings + suppressed {
			rep.Add(scan.Finding{Rule: rule, Suppressed: i >= findings})
		}
		return rep
	}
	limits := SARIFLimits{Shown: 2, Accepted: 4}
	tests := []struct {
		name       string
		rep        *scan.Report
		limits     SARIFLimits
		want       []string
		notWanted  []string
		wantSilent bool
	}{
		{name: "none", rep: report(0, 0), limits: limits, wantSilent: true},
		{name: "all shown", rep: report(2, 0), limits: limits, wantSilent: true},
		{name: "suppressed are not results", rep: report(2, 9), limits: limits, wantSilent: true},
		{name: "some not shown", rep: report(3, 5), limits: limits,
			want:      []string{"note: ", "holds 3 results", "shows 2 of one run", "--sarif-category k8s/apps ./k8s/apps"},
			notWanted: []string{"warning"}},
		{name: "at the limit", rep: report(4, 0), limits: limits, want: []string{"note: ", "holds 4 results"}},
		{name: "rejected", rep: report(5, 1), limits: limits,
			want: []string{"warning: ", "holds 5 results", "the 4 of one run", "shows 2", "--sarif-category k8s/apps ./k8s/apps"}},
		{name: "GitHub's limits", rep: report(6, 0), limits: GitHubSARIFLimits(), wantSilent: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.limits.Advice(tt.rep)
			if tt.wantSilent != (got == "") {
				t.Fatalf("advice %q, want silent %v", got, tt.wantSilent)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("advice %q lacks %q", got, w)
				}
			}
			for _, w := range tt.notWanted {
				if strings.Contains(got, w) {
					t.Errorf("advice %q holds %q", got, w)
				}
			}
		})
	}
	if l := GitHubSARIFLimits(); l.Shown != 5000 || l.Accepted != 25000 {
		t.Errorf("GitHub's limits are 5,000 results shown and 25,000 accepted, not %+v", l)
	}
}
