package admission

import (
	"slices"
	"strconv"
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

// TestDenialMessageMatchesLines: the denial, written in one go into the
// room lineRoom reserves (which each line fits), is the header and every denied finding's line, as kubectl showed it
// before, whatever the finding holds.
func TestDenialMessageMatchesLines(t *testing.T) {
	custom := &rules.Rule{ID: "TST010", Remediation: "Pin it.", Custom: true}
	tests := []struct {
		name string
		list []classified
	}{
		{name: "none", list: nil},
		{name: "plain", list: []classified{{Finding: testFinding("TST001", rules.SeverityError, false), action: actionDeny}}},
		{name: "no container", list: []classified{{Finding: scan.Finding{Rule: &rules.Rule{ID: "TST002", Remediation: "Do it"}, Message: "m", FieldPath: "spec.replicas"}, action: actionDeny}}},
		{name: "custom rule without a link, remediation ending in a stop", list: []classified{{Finding: scan.Finding{Rule: custom, Message: "m", FieldPath: "p"}, action: actionDeny}}},
		{name: "with a note", list: []classified{{Finding: testFinding("TST003", rules.SeverityError, false), action: actionDeny, note: "exemption expires on 2026-12-31"}}},
		{name: "message naming a fix, with a note", list: []classified{{Finding: scan.Finding{Rule: &rules.Rule{ID: "TST005", Remediation: "R"}, Message: "a fix: b", FieldPath: "p"}, action: actionDeny, note: "n"}}},
		{name: "warnings left out", list: []classified{
			{Finding: testFinding("TST006", rules.SeverityError, false), action: actionDeny},
			{Finding: testFinding("TST007", rules.SeverityWarning, false), action: actionWarn},
			{Finding: testFinding("TST008", rules.SeverityError, false), action: actionDeny, note: "n"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := "slotcheck denied Deployment/web (" + strconv.Itoa(len(denialLines(tt.list))) + " finding(s)):"
			for _, l := range denialLines(tt.list) {
				want += "\n" + l
			}
			if got := denialMessage("Deployment/web", len(denialLines(tt.list)), tt.list); got != want {
				t.Errorf("denial\n%q\nwant\n%q", got, want)
			}
			for _, c := range tt.list {
				if got, room := len(c.line()), lineRoom(c.Finding)+len(c.note); got > room {
					t.Errorf("%s: line of %d bytes, room for %d", c.Rule.ID, got, room)
				}
			}
		})
	}
}
