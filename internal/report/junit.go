package report

import (
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
)

// JUnitOptions tunes the JUnit report.
type JUnitOptions struct {
	// Rules is every rule the engine knows.
	Rules []*rules.Rule
	// FailOn is the lowest severity that fails a test case, as it fails the
	// run (0 never fails).
	FailOn int
}

// xmlHeader is encoding/xml's Header.
const xmlHeader = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// JUnit writes one test suite per rule with one test case per object the
// rule judged, for GitLab and Jenkins. A case fails when the object has an
// unsuppressed finding of the rule at or above FailOn; findings below it are
// listed in system-out; an exempted object's case is skipped with the
// reason. Input errors form a suite of their own, as errors.
//
// The document is what encoding/xml's Encoder, indenting by two spaces,
// writes for a tree of testsuites, testsuite, testcase and failure, error,
// skipped and system-out elements, but written straight from the report:
// a report of 100,000 findings would otherwise be copied into a tree of
// hundreds of thousands of cases and walked by reflection.
func JUnit(w io.Writer, rep *scan.Report, opts JUnitOptions) error {
	j := newJUnitCases(rep, opts)
	suites := make([]junitCounts, len(j.rules))
	var total junitCounts
	for i, r := range j.rules {
		for t := range rep.Targets {
			if !scan.Evaluates(r, rep.Targets[t]) {
				continue
			}
			suites[i].tests++
			switch c := j.classify(i, t); {
			case c.failing > 0:
				suites[i].failures++
			case c.reason >= 0 && c.other == 0:
				suites[i].skipped++
			}
		}
		total.add(suites[i])
	}
	errs := junitCounts{tests: len(rep.Errors), errors: len(rep.Errors)}
	total.add(errs)

	x := &xmlWriter{buffered: newBuffered(w)}
	x.buf = append(x.buf, xmlHeader...)
	x.buf = append(x.buf, `<testsuites name="slotcheck"`...)
	x.counts(total)
	x.buf = append(x.buf, '>')
	empty := true
	for i, r := range j.rules {
		empty = false
		x.buf = append(x.buf, "\n  <testsuite name=\""...)
		x.esc(r.ID)
		x.buf = append(x.buf, ' ')
		x.esc(r.Title)
		x.buf = append(x.buf, '"')
		x.counts(suites[i])
		x.buf = append(x.buf, '>')
		for t := range rep.Targets {
			if !scan.Evaluates(r, rep.Targets[t]) {
				continue
			}
			j.writeCase(x, i, t)
			if err := x.maybeFlush(); err != nil {
				return err
			}
		}
		x.endSuite(suites[i].tests > 0)
	}
	if len(rep.Errors) > 0 {
		empty = false
		x.buf = append(x.buf, "\n  <testsuite name=\"input errors\""...)
		x.counts(errs)
		x.buf = append(x.buf, '>')
		for _, e := range rep.Errors {
			x.buf = append(x.buf, "\n    <testcase name=\""...)
			x.esc(e.File)
			x.buf = append(x.buf, `" classname="input"`...)
			x.fileLine(e.File, e.Line)
			x.buf = append(x.buf, ">\n      <error message=\""...)
			x.esc(e.Message)
			x.buf = append(x.buf, "\" type=\"input-error\"></error>\n    </testcase>"...)
			if err := x.maybeFlush(); err != nil {
				return err
			}
		}
		x.endSuite(true)
	}
	// An element with no children is closed on its own line, as
	// encoding/xml closes it.
	if !empty {
		x.buf = append(x.buf, '\n')
	}
	x.buf = append(x.buf, "</testsuites>\n"...)
	return x.flush()
}

// junitCounts are a suite's or the whole report's counts.
type junitCounts struct{ tests, failures, errors, skipped int }

func (c *junitCounts) add(o junitCounts) {
	c.tests += o.tests
	c.failures += o.failures
	c.errors += o.errors
	c.skipped += o.skipped
}

// junitCases finds the findings of each test case, a rule and a target,
// without a map lookup per case: findings are grouped by target (objects
// that share file, kind, namespace and name share their findings) and each
// is tagged with its rule's position in rules.
type junitCases struct {
	rep    *scan.Report
	rules  []*rules.Rule
	failOn int
	// ruleOf is, for each rule in rules, the first rule of rules with its
	// ID: findings are matched to rules by ID.
	ruleOf []int
	// group is each target's group; a group's findings, in report order,
	// are findings[start[g]:start[g+1]], the rule of findings[i] is
	// rules[ruleAt[i]] and kindAt[i] says how it counts (see kind).
	group    []int
	start    []int
	findings []int32
	ruleAt   []int32
	kindAt   []byte
	// attrs holds each target's escaped name attribute value and its file
	// and line attributes, written once rather than once per rule:
	// attrs[attrAt[t]:nameEnd[t]] and attrs[nameEnd[t]:attrAt[t+1]].
	attrs   []byte
	attrAt  []int
	nameEnd []int
}

func newJUnitCases(rep *scan.Report, opts JUnitOptions) *junitCases {
	j := &junitCases{rep: rep, rules: rep.Evaluated(opts.Rules), failOn: opts.FailOn}
	byID := make(map[string]int, len(j.rules))
	j.ruleOf = make([]int, len(j.rules))
	for i, r := range j.rules {
		if first, ok := byID[r.ID]; ok {
			j.ruleOf[i] = first
			continue
		}
		byID[r.ID] = i
		j.ruleOf[i] = i
	}
	type key struct{ file, kind, namespace, name string }
	groups := make(map[key]int, len(rep.Targets))
	j.group = make([]int, len(rep.Targets))
	for i, t := range rep.Targets {
		k := key{t.File, t.Kind, t.Namespace, t.Name}
		g, ok := groups[k]
		if !ok {
			g = len(groups)
			groups[k] = g
		}
		j.group[i] = g
	}
	// Each finding of an evaluated rule and a judged object goes to its
	// group, counted first so that the groups share one slice. A report
	// holds its findings compact: each is expanded once here, and again
	// only when its case is written.
	groupOf := make([]int32, rep.Len())
	ruleIdx := make([]int32, rep.Len())
	kindOf := make([]byte, rep.Len())
	j.start = make([]int, len(groups)+2)
	var lastRule *rules.Rule
	lastIdx := -1
	for i := range rep.Len() {
		finding := rep.At(i)
		f := &finding
		groupOf[i] = -1
		// Findings of one object come in turn, often of one rule: the
		// previous finding's rule saves most lookups by ID.
		if i == 0 || f.Rule != lastRule {
			idx, ok := byID[f.Rule.ID]
			if !ok {
				idx = -1
			}
			lastRule, lastIdx = f.Rule, idx
		}
		if lastIdx < 0 {
			continue
		}
		g, ok := groups[key{f.File, f.Kind, f.Namespace, f.Name}]
		if !ok {
			continue
		}
		groupOf[i], ruleIdx[i], kindOf[i] = int32(g), int32(lastIdx), j.kind(f)
		j.start[g+2]++
	}
	for g := 2; g < len(j.start); g++ {
		j.start[g] += j.start[g-1]
	}
	n := j.start[len(j.start)-1]
	j.findings = make([]int32, n)
	j.ruleAt = make([]int32, n)
	j.kindAt = make([]byte, n)
	for i, g := range groupOf {
		if g < 0 {
			continue
		}
		at := j.start[g+1]
		j.findings[at], j.ruleAt[at], j.kindAt[at] = int32(i), ruleIdx[i], kindOf[i]
		j.start[g+1]++
	}
	j.start = j.start[:len(groups)+1]
	x := xmlWriter{}
	j.attrAt = make([]int, len(rep.Targets)+1)
	j.nameEnd = make([]int, len(rep.Targets))
	for i := range rep.Targets {
		t := &rep.Targets[i]
		x.object(t.Kind, t.Namespace, t.Name)
		j.nameEnd[i] = len(x.buf)
		x.fileLine(t.File, t.Line)
		j.attrAt[i+1] = len(x.buf)
	}
	j.attrs = x.buf
	return j
}

// caseFindings returns the findings of target t's group with their rules
// and kinds.
func (j *junitCases) caseFindings(t int) (findings, ruleAt []int32, kindAt []byte) {
	g := j.group[t]
	lo, hi := j.start[g], j.start[g+1]
	return j.findings[lo:hi], j.ruleAt[lo:hi], j.kindAt[lo:hi]
}

// junitClass is what a test case holds: how many findings fail it, how
// many are listed in system-out, the first failing finding and the first
// suppressed one (-1 when none).
type junitClass struct {
	failing, other       int
	firstFailing, reason int
}

// kind says how finding f counts in its case: a suppression, a failure or
// other.
func (j *junitCases) kind(f *scan.Finding) byte {
	switch {
	case f.Suppressed:
		return 's'
	case j.failOn > 0 && f.Severity.Rank() >= j.failOn:
		return 'f'
	}
	return 'o'
}

func (j *junitCases) classify(rule, t int) junitClass {
	c := junitClass{firstFailing: -1, reason: -1}
	want := j.ruleOf[rule]
	fs, rs, ks := j.caseFindings(t)
	for k, i := range fs {
		if int(rs[k]) != want {
			continue
		}
		switch ks[k] {
		case 's':
			if c.reason < 0 {
				c.reason = int(i)
			}
		case 'f':
			if c.failing == 0 {
				c.firstFailing = int(i)
			}
			c.failing++
		default:
			c.other++
		}
	}
	return c
}

// writeCase writes the test case of rules[rule] and target t.
func (j *junitCases) writeCase(x *xmlWriter, rule, t int) {
	r := j.rules[rule]
	c := j.classify(rule, t)
	x.buf = append(x.buf, "\n    <testcase name=\""...)
	x.buf = append(x.buf, j.attrs[j.attrAt[t]:j.nameEnd[t]]...)
	x.buf = append(x.buf, `" classname="`...)
	x.esc(r.ID)
	x.buf = append(x.buf, '"')
	x.buf = append(x.buf, j.attrs[j.nameEnd[t]:j.attrAt[t+1]]...)
	x.buf = append(x.buf, '>')
	children := false
	want := j.ruleOf[rule]
	fs, rs, ks := j.caseFindings(t)
	switch {
	case c.failing > 0:
		children = true
		x.buf = append(x.buf, "\n      <failure message=\""...)
		first := j.rep.At(c.firstFailing)
		x.failureMessage(&first)
		x.buf = append(x.buf, '"')
		if r.ID != "" {
			x.buf = append(x.buf, ` type="`...)
			x.esc(r.ID)
			x.buf = append(x.buf, '"')
		}
		x.buf = append(x.buf, '>')
		for k, i := range fs {
			if int(rs[k]) == want && ks[k] == 'f' {
				f := j.rep.At(int(i))
				x.findingLine(&f)
				x.buf = append(x.buf, "&#xA;"...)
			}
		}
		x.buf = append(x.buf, "How to fix: "...)
		x.esc(r.Remediation)
		x.buf = append(x.buf, "</failure>"...)
	case c.reason >= 0 && c.other == 0:
		children = true
		x.buf = append(x.buf, "\n      <skipped message=\"exempt: "...)
		x.esc(j.rep.At(c.reason).Reason)
		x.buf = append(x.buf, `"></skipped>`...)
	}
	if c.other > 0 {
		children = true
		x.buf = append(x.buf, "\n      <system-out>"...)
		n := 0
		for k, i := range fs {
			if int(rs[k]) == want && ks[k] == 'o' {
				if n > 0 {
					x.buf = append(x.buf, "&#xA;"...)
				}
				f := j.rep.At(int(i))
				x.findingLine(&f)
				n++
			}
		}
		x.buf = append(x.buf, "</system-out>"...)
	}
	if children {
		x.buf = append(x.buf, "\n    "...)
	}
	x.buf = append(x.buf, "</testcase>"...)
}

// xmlWriter writes escaped XML into a buffer that it flushes to w between
// test cases.
type xmlWriter struct {
	buffered
}

func (x *xmlWriter) int(n int) { x.buf = strconv.AppendInt(x.buf, int64(n), 10) }

// esc appends s escaped as encoding/xml escapes both attribute values and
// the character data of a marshalled field.
func (x *xmlWriter) esc(s string) { x.buf = appendXMLEscaped(x.buf, s) }

func (x *xmlWriter) counts(c junitCounts) {
	x.buf = append(x.buf, ` tests="`...)
	x.int(c.tests)
	x.buf = append(x.buf, `" failures="`...)
	x.int(c.failures)
	x.buf = append(x.buf, `" errors="`...)
	x.int(c.errors)
	x.buf = append(x.buf, `" skipped="`...)
	x.int(c.skipped)
	x.buf = append(x.buf, '"')
}

// fileLine writes a test case's file and line attributes, both omitempty.
func (x *xmlWriter) fileLine(file string, line int) {
	if file != "" {
		x.buf = append(x.buf, ` file="`...)
		x.esc(file)
		x.buf = append(x.buf, '"')
	}
	if line != 0 {
		x.buf = append(x.buf, ` line="`...)
		x.int(line)
		x.buf = append(x.buf, '"')
	}
}

func (x *xmlWriter) endSuite(hasCases bool) {
	if hasCases {
		x.buf = append(x.buf, "\n  "...)
	}
	x.buf = append(x.buf, "</testsuite>"...)
}

// object writes source.ObjectName(kind, namespace, name) escaped. Escaping the parts
// one by one is escaping the whole, as they are joined by an ASCII byte,
// which ends any sequence of UTF-8 bytes; the same holds for findingLine.
func (x *xmlWriter) object(kind, namespace, name string) {
	x.esc(kind)
	if name == "" && namespace == "" {
		return
	}
	if namespace != "" {
		x.buf = append(x.buf, '/')
		x.esc(namespace)
	}
	x.buf = append(x.buf, '/')
	x.esc(name)
}

// findingLine writes "file:line:column severity: message", escaped.
func (x *xmlWriter) findingLine(f *scan.Finding) {
	x.esc(f.File)
	x.lineRest(f)
}

// lineRest writes a finding's line after its file; a finding with no line,
// of an object read from a cluster, its field path instead.
func (x *xmlWriter) lineRest(f *scan.Finding) {
	if f.Line > 0 {
		x.buf = append(x.buf, ':')
		x.int(f.Line)
		x.buf = append(x.buf, ':')
		x.int(f.Column)
	} else if f.FieldPath != "" {
		x.buf = append(x.buf, ' ')
		x.esc(f.FieldPath)
	}
	x.buf = append(x.buf, ' ')
	x.esc(string(f.Severity))
	x.buf = append(x.buf, ':', ' ')
	x.esc(f.Message)
}

// failureMessage writes a failing finding's line after its first space, as
// the message of its case's failure: the severity and message, unless the
// file holds a space.
func (x *xmlWriter) failureMessage(f *scan.Finding) {
	if i := strings.IndexByte(f.File, ' '); i >= 0 {
		x.esc(f.File[i+1:])
		x.lineRest(f)
		return
	}
	x.esc(string(f.Severity))
	x.buf = append(x.buf, ':', ' ')
	x.esc(f.Message)
}

// appendXMLEscaped appends s escaped as encoding/xml's EscapeString and
// EscapeText escape it: the five XML specials as character references, tab,
// newline and carriage return as numeric ones so that they survive attribute
// normalisation, and each invalid UTF-8 byte and each rune outside XML's
// character range as U+FFFD.
func appendXMLEscaped(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b >= 0x20 && b < utf8.RuneSelf && b != '"' && b != '\'' && b != '&' && b != '<' && b != '>' {
			i++
			continue
		}
		if b < utf8.RuneSelf {
			var esc string
			switch b {
			case '"':
				esc = "&#34;"
			case '\'':
				esc = "&#39;"
			case '&':
				esc = "&amp;"
			case '<':
				esc = "&lt;"
			case '>':
				esc = "&gt;"
			case '\t':
				esc = "&#x9;"
			case '\n':
				esc = "&#xA;"
			case '\r':
				esc = "&#xD;"
			default:
				esc = "\uFFFD"
			}
			dst = append(dst, s[start:i]...)
			dst = append(dst, esc...)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || !inXMLCharRange(r) {
			dst = append(dst, s[start:i]...)
			dst = append(dst, "\uFFFD"...)
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(dst, s[start:]...)
}

// inXMLCharRange reports whether a rune of two bytes or more is in XML's
// Char production, as encoding/xml's isInCharacterRange does.
func inXMLCharRange(r rune) bool {
	return r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}
