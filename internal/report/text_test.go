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
	for f := range rep.All() {
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
		if f.Root != "" {
			who += ", via " + f.Root
		}
		where := location(f.File, f.Line, f.Column)
		if rep.Cluster && f.Line <= 0 {
			where = strings.TrimSpace(f.File + " " + f.FieldPath)
		}
		line := fmt.Sprintf("%s  %s  %s  %s  %s", paint(ansiBold, where), sev, f.Rule.ID, f.Message, paint(ansiDim, "("+who+")"))
		if f.Suppressed {
			line = paint(ansiDim, fmt.Sprintf("%s  %s  %s  suppressed: %s  %s", where, f.Severity, f.Rule.ID, f.Reason, "("+who+")"))
		}
		b.WriteString(line + "\n")
	}
	b.WriteString(Summary(rep) + "\n")
	return b.String()
}

func TestTextMatchesReference(t *testing.T) {
	rule := &rules.Rule{ID: "SEC001"}
	small := withFindings([]scan.Finding{
		{Rule: rule, Severity: rules.SeverityError, Message: awkward, File: "a.yaml", Line: 3, Column: 7, Kind: "Deployment", Namespace: "ns", Name: "app", Container: "c"},
		{Rule: rule, Severity: rules.SeverityWarning, File: "a.yaml", Line: 4, Kind: "Service", Name: "s"},
		{Rule: rule, Severity: rules.SeverityNote, File: "b.yaml", Kind: "Dockerfile"},
		{Rule: rule, Severity: rules.SeverityNote, File: "b.yaml", Line: -2, Column: 5, Kind: "Pod", Namespace: "ns"},
		{Rule: rule, Severity: rules.SeverityError, Suppressed: true, Reason: "legacy", File: "c.yaml", Line: 1, Column: 1, Kind: "Job", Name: "j", Container: "x", Root: "overlays/dev"},
		{Rule: rule, Severity: rules.SeverityError, File: "d.yaml", Line: 1, Column: 1, Kind: "Job", Name: "j", Root: "overlays/production"},
	}, &scan.Report{
		Errors:  []source.Error{{File: "x.yaml", Line: 2, Column: 5, Message: "bad"}, {File: "y.yaml", Line: 2, Message: "no column"}, {File: "z.yaml", Message: "no line"}},
		Summary: scan.Summary{Files: 3, Objects: 4, Errors: 3, Suppressed: 1, Kustomizations: []string{"overlays/dev", "overlays/production"}, BySeverity: map[rules.Severity]int{rules.SeverityError: 1, rules.SeverityWarning: 1, rules.SeverityNote: 2}},
	})
	cluster := withFindings([]scan.Finding{
		{Rule: rule, Severity: rules.SeverityError, Message: "m", File: "shop/Deployment/web", Kind: "Deployment", Namespace: "shop", Name: "web", Container: "app", FieldPath: "spec.template.spec.containers[0].image"},
		{Rule: rule, Severity: rules.SeverityWarning, Message: "m", File: "shop/Pod/debug", Kind: "Pod", Namespace: "shop", Name: "debug"},
		{Rule: rule, Severity: rules.SeverityError, Suppressed: true, Reason: "legacy", File: "shop/Job/j", Kind: "Job", Namespace: "shop", Name: "j", FieldPath: "spec"},
		{Rule: rule, Severity: rules.SeverityWarning, Message: "m", File: ".slotcheck.yaml", Line: 9, Column: 12, Kind: "SlotcheckConfig", FieldPath: "exemptions[1].expires"},
	}, &scan.Report{
		Cluster: true,
		Errors:  []source.Error{{File: "statefulsets.apps", Message: "forbidden"}},
		Summary: scan.Summary{Files: 2, Objects: 3, Skipped: 4, Errors: 1, Suppressed: 1, BySeverity: map[rules.Severity]int{rules.SeverityError: 1, rules.SeverityWarning: 1}},
	})
	reports := map[string]*scan.Report{"small": small, "cluster": cluster}
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

// TestTextOfACluster: an audit's findings are named by object and field
// path, those of its configuration file by file, line and column, and its
// summary counts namespaces and owned objects.
func TestTextOfACluster(t *testing.T) {
	rule := &rules.Rule{ID: "SEC001"}
	rep := withFindings([]scan.Finding{
		{Rule: rule, Severity: rules.SeverityWarning, Message: "e", File: "audit/.slotcheck.yaml", Line: 9, Column: 12, Kind: "SlotcheckConfig", FieldPath: "exemptions[1].expires"},
		{Rule: rule, Severity: rules.SeverityError, Message: "m", File: "shop/Deployment/web", Kind: "Deployment", Namespace: "shop", Name: "web", FieldPath: "spec.replicas"},
	}, &scan.Report{
		Cluster: true,
		Summary: scan.Summary{Files: 2, Objects: 3, Skipped: 4, BySeverity: map[rules.Severity]int{rules.SeverityError: 1, rules.SeverityWarning: 1}},
	})
	var got bytes.Buffer
	if err := Text(&got, rep, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	want := "audit/.slotcheck.yaml:9:12  warning  SEC001  e  (SlotcheckConfig)\n" +
		"shop/Deployment/web spec.replicas  error  SEC001  m  (Deployment/shop/web)\n" +
		"2 findings (1 error, 1 warning, 0 notes) in 3 objects from 2 namespaces (4 owned objects judged through their controllers)\n"
	if got.String() != want {
		t.Errorf("got\n%s\nwant\n%s", got.String(), want)
	}
}
