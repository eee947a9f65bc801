package baseline

import (
	"slices"
	"testing"

	"github.com/slotwise/slotcheck/internal/report"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
)

var (
	ruleA = &rules.Rule{ID: "SEC001"}
	ruleB = &rules.Rule{ID: "RES003"}
)

// finding is a finding of rule on Deployment app in file at line.
func finding(rule *rules.Rule, file string, line int, container string) scan.Finding {
	return scan.Finding{Rule: rule, Severity: rules.SeverityError, File: file, Line: line, Kind: "Deployment", Namespace: "shop", Name: "app", Container: container}
}

func TestApply(t *testing.T) {
	old := finding(ruleA, "k8s/app.yaml", 10, "app")
	moved := old
	moved.Line = 14
	other := finding(ruleB, "k8s/app.yaml", 20, "app")
	exempted := finding(ruleB, "k8s/app.yaml", 30, "sidecar")
	exempted.Suppressed, exempted.Reason = true, "reviewed"
	tests := []struct {
		name     string
		baseline []scan.Finding
		scanned  []scan.Finding
		// want is, finding by finding, whether it ends baselined.
		want          []bool
		wantBaselined int
		wantErrors    int
	}{
		{name: "empty baseline", baseline: nil, scanned: []scan.Finding{old, other}, want: []bool{false, false}, wantErrors: 2},
		{name: "same line", baseline: []scan.Finding{old}, scanned: []scan.Finding{old, other}, want: []bool{true, false}, wantBaselined: 1, wantErrors: 1},
		{name: "moved lines", baseline: []scan.Finding{old}, scanned: []scan.Finding{moved}, want: []bool{true}, wantBaselined: 1},
		{name: "other container is new", baseline: []scan.Finding{finding(ruleA, "k8s/app.yaml", 10, "sidecar")}, scanned: []scan.Finding{old}, want: []bool{false}, wantErrors: 1},
		{name: "other file is new", baseline: []scan.Finding{finding(ruleA, "k8s/web.yaml", 10, "app")}, scanned: []scan.Finding{old}, want: []bool{false}, wantErrors: 1},
		{name: "two held, three found: the third is new", baseline: []scan.Finding{old, old}, scanned: []scan.Finding{old, moved, moved}, want: []bool{true, true, false}, wantBaselined: 2, wantErrors: 1},
		{name: "one held, one found twice", baseline: []scan.Finding{old}, scanned: []scan.Finding{old, moved}, want: []bool{true, false}, wantBaselined: 1, wantErrors: 1},
		{name: "an exempted finding keeps its exemption and uses no entry", baseline: []scan.Finding{exempted, old}, scanned: []scan.Finding{exempted, old}, want: []bool{false, true}, wantBaselined: 1},
		{name: "a fixed finding leaves its entry unused", baseline: []scan.Finding{old, other}, scanned: []scan.Finding{other}, want: []bool{true}, wantBaselined: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fps []string
			for _, f := range tt.baseline {
				fps = append(fps, report.Fingerprint(f))
			}
			rep := scan.NewReport(tt.scanned...)
			scan.Tally(rep)
			New("baseline.json", fps).Apply(rep)
			for i, f := range slices.Collect(rep.All()) {
				if f.Baselined != tt.want[i] {
					t.Errorf("finding %d (%s line %d): baselined %v, want %v", i, f.Rule.ID, f.Line, f.Baselined, tt.want[i])
				}
				if f.Baselined && (!f.Suppressed || f.Reason != "baselined in baseline.json") {
					t.Errorf("finding %d: suppressed %v, reason %q: a baselined finding is suppressed with the baseline's name", i, f.Suppressed, f.Reason)
				}
			}
			if got := rep.Summary.Baselined; got != tt.wantBaselined {
				t.Errorf("summary: %d baselined, want %d", got, tt.wantBaselined)
			}
			if got := rep.Summary.BySeverity[rules.SeverityError]; got != tt.wantErrors {
				t.Errorf("summary: %d errors, want %d", got, tt.wantErrors)
			}
		})
	}
}
