package scan

import (
	"cmp"
	"slices"

	"github.com/slotwise/slotcheck/internal/source"
)

// Sort puts findings in file, line, column, id order and errors in file,
// line order, so that output never depends on scheduling.
func Sort(rep *Report) {
	if !slices.IsSortedFunc(rep.Findings, compareFindings) {
		slices.SortStableFunc(rep.Findings, compareFindings)
	}
	slices.SortStableFunc(rep.Errors, func(a, b source.Error) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column), cmp.Compare(a.Message, b.Message))
	})
}

// compareFindings orders findings by file, line, column, id, container,
// kustomization root and message, comparing only as far as it must.
func compareFindings(a, b Finding) int {
	if a.File != b.File {
		return cmp.Compare(a.File, b.File)
	}
	if c := cmp.Compare(a.Line, b.Line); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Column, b.Column); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Rule.ID, b.Rule.ID); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Container, b.Container); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Root, b.Root); c != 0 {
		return c
	}
	return cmp.Compare(a.Message, b.Message)
}
