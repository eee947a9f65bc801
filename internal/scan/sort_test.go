package scan

import (
	"slices"
	"testing"

	"github.com/slotwise/slotcheck/internal/rules"
)

// A report sorts its compact records as compareFindings orders Findings
// (each object's findings are sorted with it before they are kept), and
// keeps findings that compare equal in the order they came.
func TestSortOrdersKeptFindings(t *testing.T) {
	a, b := &rules.Rule{ID: "AVL001"}, &rules.Rule{ID: "SEC001"}
	at := func(name, file string, line, col int, rule *rules.Rule, container, root, message string) Finding {
		return Finding{Name: name, File: file, Line: line, Column: col, Rule: rule, Container: container, Root: root, Message: message, Severity: rules.SeverityError}
	}
	for _, tc := range []struct {
		name string
		in   []Finding
		want []string
	}{
		{name: "by file", in: []Finding{at("2", "b.yaml", 1, 1, a, "", "", ""), at("1", "a.yaml", 9, 9, b, "", "", "")}, want: []string{"1", "2"}},
		{name: "by line", in: []Finding{at("2", "a.yaml", 10, 1, a, "", "", ""), at("1", "a.yaml", 9, 9, b, "", "", "")}, want: []string{"1", "2"}},
		{name: "by column", in: []Finding{at("2", "a.yaml", 3, 5, a, "", "", ""), at("1", "a.yaml", 3, 4, b, "", "", "")}, want: []string{"1", "2"}},
		{name: "by rule id", in: []Finding{at("2", "a.yaml", 3, 4, b, "", "", ""), at("1", "a.yaml", 3, 4, a, "", "", "")}, want: []string{"1", "2"}},
		{name: "by container", in: []Finding{at("2", "a.yaml", 3, 4, a, "web", "", ""), at("1", "a.yaml", 3, 4, a, "init", "", "")}, want: []string{"1", "2"}},
		{name: "by kustomization", in: []Finding{at("2", "a.yaml", 3, 4, a, "", "overlays/prod", ""), at("1", "a.yaml", 3, 4, a, "", "overlays/dev", "")}, want: []string{"1", "2"}},
		{name: "by message", in: []Finding{at("2", "a.yaml", 3, 4, a, "", "", "z"), at("1", "a.yaml", 3, 4, a, "", "", "m")}, want: []string{"1", "2"}},
		{name: "equal keys keep their order", in: []Finding{at("1", "a.yaml", 3, 4, a, "", "", "m"), at("2", "a.yaml", 3, 4, a, "", "", "m"), at("0", "a.yaml", 1, 1, a, "", "", "m")}, want: []string{"0", "1", "2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := NewReport(tc.in...)
			Sort(rep)
			var got []string
			for f := range rep.All() {
				got = append(got, f.Name)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			sorted := slices.Clone(tc.in)
			slices.SortStableFunc(sorted, compareFindings)
			for i, f := range sorted {
				if f.Name != got[i] {
					t.Errorf("finding %d: the report has %s, compareFindings puts %s there", i, got[i], f.Name)
				}
			}
		})
	}
}

// All stops when its caller does; Baseline marks one finding and leaves
// the rest.
func TestReportAllAndBaseline(t *testing.T) {
	rule := &rules.Rule{ID: "SEC001"}
	rep := NewReport(Finding{Rule: rule, Name: "a"}, Finding{Rule: rule, Name: "b"}, Finding{Rule: rule, Name: "c"})
	n := 0
	for range rep.All() {
		n++
		if n == 2 {
			break
		}
	}
	if n != 2 {
		t.Errorf("All yielded %d findings after the loop broke at 2", n)
	}
	rep.Baseline(1, "baselined in old.json")
	for i, want := range []bool{false, true, false} {
		f := rep.At(i)
		if f.Baselined != want || f.Suppressed != want || rep.Suppressed(i) != want {
			t.Errorf("finding %d: baselined %v, suppressed %v (%v), want %v", i, f.Baselined, f.Suppressed, rep.Suppressed(i), want)
		}
		if wantReason := map[bool]string{true: "baselined in old.json"}[want]; f.Reason != wantReason {
			t.Errorf("finding %d: reason %q, want %q", i, f.Reason, wantReason)
		}
	}
}
