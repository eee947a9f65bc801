package scan

import (
	"cmp"
	"slices"

	"github.com/slotwise/slotcheck/internal/source"
)

// Sort puts findings in file, line, column, id order and errors in file,
// line order, so that output never depends on scheduling.
func Sort(rep *Report) {
	s := &rep.findings
	if !slices.IsSortedFunc(s.kept, s.compare) {
		slices.SortStableFunc(s.kept, s.compare)
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

// compare is compareFindings on kept findings, reading their strings only
// where their numbers differ.
func (s *findingSet) compare(a, b keptFinding) int {
	str := s.text.strings
	if a.file != b.file {
		if c := cmp.Compare(str[a.file], str[b.file]); c != 0 {
			return c
		}
	}
	if c := cmp.Compare(a.line, b.line); c != 0 {
		return c
	}
	if c := cmp.Compare(a.column, b.column); c != 0 {
		return c
	}
	if a.rule != b.rule {
		rules := s.text.rules
		if c := cmp.Compare(rules[a.rule].ID, rules[b.rule].ID); c != 0 {
			return c
		}
	}
	if a.container != b.container {
		if c := cmp.Compare(str[a.container], str[b.container]); c != 0 {
			return c
		}
	}
	if a.subject != b.subject {
		if c := cmp.Compare(s.subjects[a.subject].root, s.subjects[b.subject].root); c != 0 {
			return c
		}
	}
	if a.message != b.message {
		return cmp.Compare(str[a.message], str[b.message])
	}
	return 0
}
