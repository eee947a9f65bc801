package admission

import (
	"slices"
	"strings"
	"testing"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
)

// TestShortMatchesLine: a warning built short is what fitWarnings keeps of
// the finding's whole line, so building it without the fix changes no
// warning a user sees.
func TestShortMatchesLine(t *testing.T) {
	long := strings.Repeat("x", warningMaxLine)
	tests := []struct {
		name   string
		f      scan.Finding
		note   string
		prefix string
	}{
		{name: "plain", f: testFinding("TST001", rules.SeverityError, false)},
		{name: "no container", f: scan.Finding{Rule: &rules.Rule{ID: "TST002", Remediation: "Do it"}, Message: "m", FieldPath: "spec.replicas"}},
		{name: "with a note", f: testFinding("TST003", rules.SeverityWarning, false), note: "exemption expires on 2026-12-31"},
		{name: "ratchet prefix", f: testFinding("TST004", rules.SeverityError, false), prefix: "pre-existing, not denied on update: "},
		{name: "message naming a fix", f: scan.Finding{Rule: &rules.Rule{ID: "TST005", Remediation: "R"}, Message: "a fix: b", FieldPath: "p"}},
		{name: "longer than a warning line", f: scan.Finding{Rule: &rules.Rule{ID: "TST006", Remediation: "R"}, Message: long, FieldPath: "p"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := classified{Finding: tt.f, note: tt.note}
			got := fitWarnings([]string{c.short(tt.prefix)})
			want := fitWarnings([]string{tt.prefix + c.line()})
			if !slices.Equal(got, want) {
				t.Errorf("short warning %q, want %q", got, want)
			}
		})
	}
}
