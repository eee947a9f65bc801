package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

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

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",chardata"`
}

// JUnit writes one test suite per rule with one test case per object the
// rule judged, for GitLab and Jenkins. A case fails when the object has an
// unsuppressed finding of the rule at or above FailOn; findings below it are
// listed in system-out; an exempted object's case is skipped with the
// reason. Input errors form a suite of their own, as errors.
func JUnit(w io.Writer, rep *scan.Report, opts JUnitOptions) error {
	type key struct{ rule, file, kind, namespace, name string }
	byCase := map[key][]scan.Finding{}
	for _, f := range rep.Findings {
		k := key{f.Rule.ID, f.File, f.Kind, f.Namespace, f.Name}
		byCase[k] = append(byCase[k], f)
	}
	out := junitSuites{Name: "slotcheck"}
	for _, r := range rep.Evaluated(opts.Rules) {
		suite := junitSuite{Name: r.ID + " " + r.Title}
		for _, t := range rep.Targets {
			if !scan.Judges(r, t) {
				continue
			}
			c := junitCase{
				Name:      Object(t.Kind, t.Namespace, t.Name),
				Classname: r.ID,
				File:      t.File,
				Line:      t.Line,
			}
			var failing, other []string
			var reasons []string
			for _, f := range byCase[key{r.ID, t.File, t.Kind, t.Namespace, t.Name}] {
				line := fmt.Sprintf("%s:%d:%d %s: %s", f.File, f.Line, f.Column, f.Severity, f.Message)
				switch {
				case f.Suppressed:
					reasons = append(reasons, f.Reason)
				case opts.FailOn > 0 && f.Severity.Rank() >= opts.FailOn:
					failing = append(failing, line)
				default:
					other = append(other, line)
				}
			}
			switch {
			case len(failing) > 0:
				c.Failure = &junitMessage{Message: strings.SplitN(failing[0], " ", 2)[1], Type: r.ID, Body: strings.Join(append(failing, "How to fix: "+r.Remediation), "\n")}
				suite.Failures++
			case len(reasons) > 0 && len(other) == 0:
				c.Skipped = &junitMessage{Message: "exempt: " + reasons[0]}
				suite.Skipped++
			}
			if len(other) > 0 {
				c.SystemOut = strings.Join(other, "\n")
			}
			suite.Cases = append(suite.Cases, c)
		}
		suite.Tests = len(suite.Cases)
		out.Suites = append(out.Suites, suite)
	}
	if len(rep.Errors) > 0 {
		suite := junitSuite{Name: "input errors"}
		for _, e := range rep.Errors {
			suite.Cases = append(suite.Cases, junitCase{
				Name: e.File, Classname: "input", File: e.File, Line: e.Line,
				Error: &junitMessage{Message: e.Message, Type: "input-error"},
			})
		}
		suite.Tests, suite.Errors = len(suite.Cases), len(suite.Cases)
		out.Suites = append(out.Suites, suite)
	}
	for _, s := range out.Suites {
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
		out.Skipped += s.Skipped
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
