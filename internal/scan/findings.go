package scan

import (
	"iter"

	"github.com/slotwise/slotcheck/internal/rules"
)

// findingSet is a report's findings in the compact form it keeps them in
// until they are written (see retainer): a report hands them out one
// Finding at a time, so that no writer holds them all expanded.
type findingSet struct {
	text     *retainer
	subjects []subject
	kept     []keptFinding
}

// subject is what the findings of one judged object share: its names as
// read and where it was judged.
type subject struct {
	apiVersion, kind, namespace, name, environment, root string
}

// NewReport is a report of the findings fs, in their order, and nothing
// else: a cluster audit's, or a test's.
func NewReport(fs ...Finding) *Report {
	rep := &Report{}
	rep.Add(fs...)
	return rep
}

// Add appends fs to the report's findings; Sort orders them.
func (rep *Report) Add(fs ...Finding) {
	s := &rep.findings
	s.init()
	s.text.mu.Lock()
	defer s.text.mu.Unlock()
	for i := range fs {
		f := &fs[i]
		sub := subject{apiVersion: f.APIVersion, kind: f.Kind, namespace: f.Namespace, name: f.Name, environment: f.Environment, root: f.Root}
		// An object's findings come in turn: one subject serves them.
		if n := len(s.subjects); n == 0 || s.subjects[n-1] != sub {
			s.subjects = append(s.subjects, sub)
		}
		k := s.text.keepOne(f)
		k.subject = uint32(len(s.subjects) - 1)
		s.kept = append(s.kept, k)
	}
}

// init gives the set its retainer, once.
func (s *findingSet) init() {
	if s.text == nil {
		s.text = newRetainer()
	}
}

// Len is the number of findings.
func (rep *Report) Len() int { return len(rep.findings.kept) }

// At is the i-th finding. Its Path is nil: no report writes the segments.
func (rep *Report) At(i int) Finding {
	s := &rep.findings
	k := &s.kept[i]
	sub := &s.subjects[k.subject]
	str := s.text.strings
	return Finding{
		Rule:        s.text.rules[k.rule],
		Severity:    s.text.severities[k.severity],
		Message:     str[k.message],
		File:        str[k.file],
		Line:        int(k.line),
		Column:      int(k.column),
		EndColumn:   int(k.endColumn),
		APIVersion:  sub.apiVersion,
		Kind:        sub.kind,
		Namespace:   sub.namespace,
		Name:        sub.name,
		Container:   str[k.container],
		Environment: sub.environment,
		FieldPath:   str[k.fieldPath],
		Suppressed:  k.flags&keptSuppressed != 0,
		Baselined:   k.flags&keptBaselined != 0,
		Reason:      str[k.reason],
		Root:        sub.root,
	}
}

// All yields the findings in order, one at a time.
func (rep *Report) All() iter.Seq[Finding] {
	return func(yield func(Finding) bool) {
		for i := range rep.Len() {
			if !yield(rep.At(i)) {
				return
			}
		}
	}
}

// Suppressed says whether the i-th finding is suppressed, without
// expanding it.
func (rep *Report) Suppressed(i int) bool {
	return rep.findings.kept[i].flags&keptSuppressed != 0
}

// Baseline marks the i-th finding suppressed and baselined, for reason
// (lint --baseline). The summary is the caller's to adjust.
func (rep *Report) Baseline(i int, reason string) {
	s := &rep.findings
	s.text.mu.Lock()
	defer s.text.mu.Unlock()
	k := &s.kept[i]
	k.flags |= keptSuppressed | keptBaselined
	k.reason = s.text.id(reason)
}

// severityOf is the severity of the i-th finding, without expanding it.
func (rep *Report) severityOf(i int) rules.Severity {
	return rep.findings.text.severities[rep.findings.kept[i].severity]
}
