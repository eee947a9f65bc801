package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/internal/source"
)

// The JUnit report the long way, as it was written before JUnit wrote the
// XML itself: a tree of these types encoded by encoding/xml. JUnit must
// write exactly what junitReference writes.

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

func junitReference(w io.Writer, rep *scan.Report, opts JUnitOptions) error {
	type key struct{ rule, file, kind, namespace, name string }
	byCase := map[key][]scan.Finding{}
	for f := range rep.All() {
		k := key{f.Rule.ID, f.File, f.Kind, f.Namespace, f.Name}
		byCase[k] = append(byCase[k], f)
	}
	out := junitSuites{Name: "slotcheck"}
	for _, r := range rep.Evaluated(opts.Rules) {
		suite := junitSuite{Name: r.ID + " " + r.Title}
		for _, t := range rep.Targets {
			if !scan.Evaluates(r, t) {
				continue
			}
			c := junitCase{
				Name:      source.ObjectName(t.Kind, t.Namespace, t.Name),
				Classname: r.ID,
				File:      t.File,
				Line:      t.Line,
			}
			var failing, other []string
			var reasons []string
			// firstMessage is the message of the first failing finding: what
			// follows the file (and line) in its line.
			var firstMessage string
			for _, f := range byCase[key{r.ID, t.File, t.Kind, t.Namespace, t.Name}] {
				line := fmt.Sprintf("%s:%d:%d %s: %s", f.File, f.Line, f.Column, f.Severity, f.Message)
				if f.Line <= 0 {
					// An object of a cluster: its field path, as it has no line.
					line = strings.TrimSpace(f.File+" "+f.FieldPath) + fmt.Sprintf(" %s: %s", f.Severity, f.Message)
				}
				switch {
				case f.Suppressed:
					reasons = append(reasons, f.Reason)
				case opts.FailOn > 0 && f.Severity.Rank() >= opts.FailOn:
					if len(failing) == 0 {
						firstMessage = strings.SplitN(line, " ", 2)[1]
						if f.Line <= 0 {
							firstMessage = fmt.Sprintf("%s: %s", f.Severity, f.Message)
						}
					}
					failing = append(failing, line)
				default:
					other = append(other, line)
				}
			}
			switch {
			case len(failing) > 0:
				c.Failure = &junitMessage{Message: firstMessage, Type: r.ID, Body: strings.Join(append(failing, "How to fix: "+r.Remediation), "\n")}
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

func requireJUnitReference(t *testing.T, rep *scan.Report, opts JUnitOptions) {
	t.Helper()
	var got, want bytes.Buffer
	if err := JUnit(&got, rep, opts); err != nil {
		t.Fatal(err)
	}
	if err := junitReference(&want, rep, opts); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		g, w := got.String(), want.String()
		i := 0
		for i < len(g) && i < len(w) && g[i] == w[i] {
			i++
		}
		from := max(0, i-300)
		t.Fatalf("JUnit differs from encoding/xml at byte %d:\n--- got\n%s\n--- want\n%s", i, g[from:min(len(g), i+300)], w[from:min(len(w), i+300)])
	}
}

// xmlAwkward is text that every XML escaping rule applies to: quotes,
// apostrophes, <>&, tab, newline and carriage return, control characters,
// a genuine U+FFFD, invalid UTF-8 (a stray continuation byte, a truncated
// sequence before ASCII, an encoded surrogate), U+FFFE and U+FFFF, a rune
// beyond the BMP, DEL and non-ASCII text.
const xmlAwkward = "a \"q\" 'a' <b>&amp;</b> \t|\n|\r|\r\n \x00\x01\x1f\x7f \uFFFD \xff\xfe \xe4\xb8: \xed\xa0\x80 \uFFFE\uFFFF \U0001F600 é 世界 \u2028 ]]>"

func TestJUnitMatchesEncodingXML(t *testing.T) {
	sec := &rules.Rule{ID: "SEC001", Title: "Containers <run> as \"non-root\"", Remediation: "set it & go\n" + xmlAwkward, Domain: "k8s", Environments: []string{"production", "staging"}}
	rel := &rules.Rule{ID: "REL002", Title: xmlAwkward, Remediation: "", Domain: "k8s", Environments: []string{"production"}}
	dock := &rules.Rule{ID: "DKR001", Title: "Pinned base image", Remediation: "pin it", Domain: "dockerfile", Environments: []string{"production"}}
	unused := &rules.Rule{ID: "NET009", Title: "never judged", Domain: "helm", Environments: []string{"production"}}
	noID := &rules.Rule{ID: "", Title: "no id", Remediation: "r", Domain: "dockerfile", Environments: []string{"production"}}
	all := []*rules.Rule{sec, rel, dock, unused, noID}

	prod := scan.Target{Domain: "k8s", File: "a b/c.yaml", Line: 3, Kind: "Deployment", Namespace: "ns", Name: "app", Environment: "production"}
	odd := scan.Target{Domain: "k8s", File: "dir/" + xmlAwkward + ".yaml", Line: -1, Kind: "Kind" + xmlAwkward, Namespace: "", Name: "n" + xmlAwkward, Environment: "production"}
	bare := scan.Target{Domain: "k8s", File: "", Line: 0, Kind: "Namespace", Environment: "staging"}
	nsOnly := scan.Target{Domain: "k8s", File: "x.yaml", Line: 1, Kind: "Thing", Namespace: "only-ns", Environment: "staging"}
	df := scan.Target{Domain: "dockerfile", File: "Dockerfile", Line: 1, Kind: "Dockerfile", Environment: "production"}
	dev := scan.Target{Domain: "k8s", File: "dev.yaml", Line: 9, Kind: "Pod", Name: "p", Environment: "development"}

	at := func(tg scan.Target, r *rules.Rule, sev rules.Severity, msg string) scan.Finding {
		return scan.Finding{Rule: r, Severity: sev, Message: msg, File: tg.File, Line: tg.Line + 2, Column: 7, Kind: tg.Kind, Namespace: tg.Namespace, Name: tg.Name}
	}
	suppressed := func(f scan.Finding, reason string) scan.Finding {
		f.Suppressed, f.Reason = true, reason
		return f
	}
	// A second rule object with SEC001's ID: findings are matched by ID.
	secCopy := *sec
	findings := []scan.Finding{
		// prod: SEC001 fails twice (one below --fail-on goes to system-out
		// at error) and has a suppressed one; REL002 only notes.
		at(prod, sec, rules.SeverityError, "first "+xmlAwkward),
		at(prod, &secCopy, rules.SeverityWarning, "second <warning>"),
		at(prod, sec, rules.SeverityNote, "a note\nover lines"),
		suppressed(at(prod, sec, rules.SeverityError, "exempted"), "reason one"),
		at(prod, rel, rules.SeverityNote, xmlAwkward),
		// odd: suppressed only, so skipped, with an awkward reason.
		suppressed(at(odd, sec, rules.SeverityError, "x"), xmlAwkward),
		suppressed(at(odd, sec, rules.SeverityWarning, "y"), "second reason"),
		// odd, REL002: suppressed with a note besides: not skipped.
		suppressed(at(odd, rel, rules.SeverityError, "z"), "r"),
		at(odd, rel, rules.SeverityNote, "kept"),
		// bare and nsOnly: a warning each; an empty message and severity.
		at(bare, sec, rules.SeverityWarning, ""),
		at(nsOnly, sec, "", "no severity"),
		at(nsOnly, sec, rules.Severity(xmlAwkward), "odd severity"),
		// Dockerfile: a rule without an ID fails with no type attribute.
		at(df, dock, rules.SeverityError, "FROM latest"),
		at(df, noID, rules.SeverityError, "no id"),
		// A finding of an object no rule judged in its environment, and
		// of a rule not among the rules.
		at(dev, sec, rules.SeverityError, "not judged"),
		at(prod, &rules.Rule{ID: "GONE001"}, rules.SeverityError, "unknown rule"),
	}
	targets := []scan.Target{prod, odd, bare, nsOnly, df, dev, prod}
	errs := []source.Error{
		{File: "broken.yaml", Line: 2, Column: 5, Message: xmlAwkward},
		{File: source.StdinName, Message: "no line"},
		{File: "", Line: -3, Message: ""},
	}
	tests := map[string]struct {
		rep  *scan.Report
		opts JUnitOptions
	}{
		"empty":             {&scan.Report{}, JUnitOptions{Rules: all, FailOn: 3}},
		"no rules":          {withFindings(findings, &scan.Report{Targets: targets}), JUnitOptions{FailOn: 3}},
		"targets only":      {&scan.Report{Targets: targets}, JUnitOptions{Rules: all, FailOn: 3}},
		"input errors only": {&scan.Report{Errors: errs}, JUnitOptions{Rules: all, FailOn: 3}},
		"fail on error":     {withFindings(findings, &scan.Report{Targets: targets, Errors: errs}), JUnitOptions{Rules: all, FailOn: rules.SeverityError.Rank()}},
		"fail on warning":   {withFindings(findings, &scan.Report{Targets: targets, Errors: errs}), JUnitOptions{Rules: all, FailOn: rules.SeverityWarning.Rank()}},
		"fail on note":      {withFindings(findings, &scan.Report{Targets: targets}), JUnitOptions{Rules: all, FailOn: rules.SeverityNote.Rank()}},
		"never fail":        {withFindings(findings, &scan.Report{Targets: targets, Errors: errs}), JUnitOptions{Rules: all}},
		"duplicate rule ID": {withFindings(findings, &scan.Report{Targets: targets}), JUnitOptions{Rules: append([]*rules.Rule{&secCopy}, all...), FailOn: 2}},
		"cluster":           {clusterJUnitReport(sec), JUnitOptions{Rules: all, FailOn: 2}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) { requireJUnitReference(t, tt.rep, tt.opts) })
	}
}

// TestXMLEscapeMatchesEncodingXML checks the escaping on every single byte
// and on runes at the edges of XML's character range, as attribute and as
// character data.
func TestXMLEscapeMatchesEncodingXML(t *testing.T) {
	var cases []string
	for b := range 256 {
		cases = append(cases, string([]byte{byte(b)}), "x"+string([]byte{byte(b)})+"y")
	}
	for _, r := range []rune{0x80, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xfffd, 0xfffe, 0xffff, 0x10000, 0x10ffff} {
		cases = append(cases, string(r), "<"+string(r)+">")
	}
	cases = append(cases, xmlAwkward, "", "\xe4\xb8", "\xe4\xb8\x96\x96", "\xf4\x90\x80\x80", "\xc0\x80")
	for _, s := range cases {
		got := string(appendXMLEscaped(nil, s))
		var attr bytes.Buffer
		if err := xml.NewEncoder(&attr).Encode(junitMessage{Message: s}); err != nil {
			t.Fatal(err)
		}
		want := strings.TrimSuffix(strings.TrimPrefix(attr.String(), `<junitMessage message="`), `"></junitMessage>`)
		if got != want {
			t.Errorf("attribute %q: got %q, want %q", s, got, want)
		}
		var text bytes.Buffer
		if err := xml.NewEncoder(&text).Encode(junitMessage{Body: s}); err != nil {
			t.Fatal(err)
		}
		want = strings.TrimSuffix(strings.TrimPrefix(text.String(), `<junitMessage message="">`), `</junitMessage>`)
		if got != want {
			t.Errorf("character data %q: got %q, want %q", s, got, want)
		}
	}
}

func TestJUnitMatchesEncodingXMLOnLargeReport(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the large report takes seconds to build")
	}
	rep, all, _ := largeReport(t)
	for _, failOn := range []int{rules.SeverityError.Rank(), rules.SeverityNote.Rank(), 0} {
		t.Run(fmt.Sprint("fail-on-", failOn), func(t *testing.T) {
			requireJUnitReference(t, rep, JUnitOptions{Rules: all, FailOn: failOn})
		})
	}
}

// clusterJUnitReport is an audit's report: objects named namespace/Kind/name
// with findings at field paths and no lines.
func clusterJUnitReport(rule *rules.Rule) *scan.Report {
	web := scan.Target{Domain: "k8s", File: "shop/Deployment/web", Kind: "Deployment", Namespace: "shop", Name: "web", Environment: "production"}
	pod := scan.Target{Domain: "k8s", File: "shop/Pod/debug", Kind: "Pod", Namespace: "shop", Name: "debug", Environment: "production"}
	return withFindings([]scan.Finding{
		{Rule: rule, Severity: rules.SeverityError, Message: "m", File: web.File, Kind: web.Kind, Namespace: web.Namespace, Name: web.Name, Environment: "production", FieldPath: "spec.replicas"},
		{Rule: rule, Severity: rules.SeverityNote, Message: "n", File: pod.File, Kind: pod.Kind, Namespace: pod.Namespace, Name: pod.Name, Environment: "production"},
	}, &scan.Report{Cluster: true, Targets: []scan.Target{web, pod}, Errors: []source.Error{{File: "statefulsets.apps", Message: "forbidden"}}})
}
