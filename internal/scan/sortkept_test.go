package scan

import (
	"slices"
	"testing"

	"github.com/slotwise/slotcheck/internal/rules"
)

// TestSortKept holds sortKept to what it stands for: the kept findings in
// the order a stable sort of the findings gives, ties kept in their order.
func TestSortKept(t *testing.T) {
	a, b := &rules.Rule{ID: "A001"}, &rules.Rule{ID: "B001"}
	for _, tc := range []struct {
		name string
		fs   []Finding
	}{
		{name: "none", fs: nil},
		{name: "one", fs: []Finding{{Rule: a, File: "x.yaml", Line: 3}}},
		{name: "sorted", fs: []Finding{{Rule: a, File: "x.yaml", Line: 1}, {Rule: a, File: "x.yaml", Line: 2}}},
		{name: "reversed", fs: []Finding{{Rule: b, File: "x.yaml", Line: 9}, {Rule: a, File: "x.yaml", Line: 4}, {Rule: a, File: "w.yaml", Line: 7}}},
		{name: "cycles and ties", fs: []Finding{
			{Rule: b, File: "x.yaml", Line: 5, Message: "m1"},
			{Rule: a, File: "x.yaml", Line: 5},
			{Rule: b, File: "x.yaml", Line: 2},
			{Rule: a, File: "x.yaml", Line: 8, Reason: "first of a tie"},
			{Rule: a, File: "x.yaml", Line: 1},
			{Rule: a, File: "x.yaml", Line: 8, Reason: "second of a tie"},
			{Rule: b, File: "x.yaml", Line: 5, Message: "m0"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			keep := newRetainer()
			got := sortKept(tc.fs, keep.keep(tc.fs))
			want := slices.Clone(tc.fs)
			slices.SortStableFunc(want, compareFindings)
			if len(got) != len(want) {
				t.Fatalf("%d kept, want %d", len(got), len(want))
			}
			for i := range want {
				if w := keep.keep(want[i : i+1])[0]; got[i] != w {
					t.Errorf("kept[%d] = %+v, want %+v (%s line %d %s)", i, got[i], w, want[i].Rule.ID, want[i].Line, want[i].Reason)
				}
			}
		})
	}
}
