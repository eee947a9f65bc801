package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/internal/source"
)

// textReference is the text report as fmt writes it, the long way. Text
// must write exactly this.
func textReference(rep *scan.Report, opts TextOptions) string {
	paint := func(code, s string) string {
		if !opts.Color {
			return s
		}
		return code + s + ansiReset
	}
	location := func(file string, line, col int) string {
		switch {
		case line <= 0:
			return file
		case col <= 0:
			return fmt.Sprintf("%s:%d", file, line)
		}
		return fmt.Sprintf("%s:%d:%d", file, line, col)
	}
	var b strings.Builder
	for _, e := range rep.Errors {
		fmt.Fprintf(&b, "%s  %s  %s\n", paint(ansiBold, location(e.File, e.Line, e.Column)), paint(ansiRed, "input-error"), e.Message)
	}
	for _, f := range rep.Findings {
		if f.Suppressed && !opts.ShowSuppressed {
			continue
		}
		sev := string(f.Severity)
		switch f.Severity {
		case rules.SeverityError:
			sev = paint(ansiRed, sev)
		case rules.SeverityWarning:
			sev = paint(ansiYellow, sev)
		default:
			sev = paint(ansiBlue, sev)
		}
		who := source.ObjectName(f.Kind, f.Namespace, f.Name)
		if f.Container != "" {
			who += ", " + f.Container
		}
		line := fmt.Sprintf("%s  %s  %s  %s  %s", paint(ansiBold, location(f.File, f.Line, f.Column)), sev, f.Rule.ID, f.Message, paint(ansiDim, "("+who+")"))
		if f.Suppressed {
			line = paint(ansiDim, fmt.Sprintf("%s  %s  %s  suppressed: %s  %s", location(f.File, f.Line, f.Column), f.Severity, f.Rule.ID, f.Reason, "("+who+")"))
		}
		b.WriteString(line + "\n")
	}
	b.WriteString(Summary(rep) + "\n")
	return b.String()
}

func TestTextMatchesReference(t *testing.T) {
	rule := &rules.Rule{ID: "SEC001"}
	small := &scan.Report{
		Findings: []scan.Finding{
			{Rule: rule, Severity: rules.SeverityError, Message: awkward, File: "a.yaml", Line: 3, Column: 7, Kind: "Deployment", Namespace: "ns", Name: "app", Container: "c"},
			{Rule: rule, Severity: rules.SeverityWarning, File: "a.yaml", Line: 4, Kind: "Service", Name: "s"},
			{Rule: rule, Severity: rules.SeverityNote, File: "b.yaml", Kind: "Dockerfile"},
			{Rule: rule, Severity: rules.SeverityNote, File: "b.yaml", Line: -2, Column: 5, Kind: "Pod", Namespace: "ns"},
			{Rule: rule, Severity: rules.SeverityError, Suppressed: true, Reason: "legacy", File: "c.yaml", Line: 1, Column: 1, Kind: "Job", Name: "j", Container: "x"},
		},
		Errors:  []source.Error{{File: "x.yaml", Line: 2, Column: 5, Message: "bad"}, {File: "y.yaml", Line: 2, Message: "no column"}, {File: "z.yaml", Message: "no line"}},
		Summary: scan.Summary{Files: 3, Objects: 4, Errors: 3, Suppressed: 1, BySeverity: map[rules.Severity]int{rules.SeverityError: 1, rules.SeverityWarning: 1, rules.SeverityNote: 2}},
	}
	reports := map[string]*scan.Report{"small": small}
	if !testing.Short() {
		reports["large"], _, _ = largeReport(t)
	}
	for name, rep := range reports {
		for _, opts := range []TextOptions{{}, {Color: true}, {ShowSuppressed: true}, {Color: true, ShowSuppressed: true}} {
			t.Run(fmt.Sprintf("%s %+v", name, opts), func(t *testing.T) {
				var got bytes.Buffer
				if err := Text(&got, rep, opts); err != nil {
					t.Fatal(err)
				}
				if want := textReference(rep, opts); got.String() != want {
					t.Fatalf("Text differs from the reference:\n--- got\n%.3000s\n--- want\n%.3000s", got.String(), want)
				}
			})
		}
	}
}
