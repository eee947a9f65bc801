package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/internal/source"
)

// jsonReference is the JSON report the long way: a JSONReport encoded by
// encoding/json. JSON must write exactly this.
func jsonReference(t testing.TB, rep *scan.Report) []byte {
	t.Helper()
	out := JSONReport{Findings: []JSONFinding{}, Errors: []JSONError{}}
	for f := range rep.All() {
		out.Findings = append(out.Findings, JSONFinding{
			ID: f.Rule.ID, Severity: string(f.Severity), Title: f.Rule.Title,
			File: f.File, Line: f.Line, Column: f.Column, Message: f.Message,
			Kind: f.Kind, Namespace: f.Namespace, Name: f.Name, Container: f.Container,
			Field: f.FieldPath, Environment: f.Environment,
			Section: f.Rule.Section, Remediation: f.Rule.Remediation,
			Suppressed: f.Suppressed, Baselined: f.Baselined, Reason: f.Reason, Kustomization: f.Root,
			Fingerprint: Fingerprint(f),
		})
	}
	for _, e := range rep.Errors {
		out.Errors = append(out.Errors, JSONError{File: e.File, Line: e.Line, Column: e.Column, Message: e.Message})
	}
	s := rep.Summary
	out.Summary = JSONSummary{
		Files: s.Files, Objects: s.Objects, SkippedDocuments: s.Skipped,
		ChartsRendered: append([]string{}, s.Charts...), PatchesSkipped: s.Patches,
		Kustomizations: append([]string{}, s.Kustomizations...),
		Errors:         s.BySeverity[rules.SeverityError],
		Warnings:       s.BySeverity[rules.SeverityWarning],
		Notes:          s.BySeverity[rules.SeverityNote],
		Suppressed:     s.Suppressed, Baselined: s.Baselined, InputErrors: s.Errors,
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func requireJSONReference(t *testing.T, rep *scan.Report) {
	t.Helper()
	var got bytes.Buffer
	if err := JSON(&got, rep); err != nil {
		t.Fatal(err)
	}
	if want := jsonReference(t, rep); !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("JSON differs from encoding/json:\n--- got\n%.3000s\n--- want\n%.3000s", got.String(), want)
	}
}

func TestJSONMatchesEncodingJSON(t *testing.T) {
	rule := &rules.Rule{ID: "SEC001", Title: "Containers <run> as non-root", Section: "§4 " + awkward, Remediation: "set it & go"}
	tests := map[string]*scan.Report{
		"empty": {Summary: scan.Summary{BySeverity: map[rules.Severity]int{}}},
		"every field": withFindings([]scan.Finding{
			{Rule: rule, Severity: rules.SeverityError, Message: awkward, File: "a b/c.yaml", Line: 3, Column: 7, Kind: "Deployment", Namespace: "ns", Name: "app", Container: awkward, Environment: "production", FieldPath: "spec.x[0]", Root: "overlays/" + awkward},
			{Rule: rule, Severity: rules.SeverityNote, Suppressed: true, Reason: awkward},
			{Rule: rule, Severity: rules.SeverityWarning, Suppressed: true, Baselined: true, Reason: "in the baseline"},
			{Rule: rule, Severity: rules.SeverityWarning, Line: -1, Column: 0},
		}, &scan.Report{
			Errors: []source.Error{{File: "x.yaml", Line: 2, Column: 5, Message: awkward}, {File: source.StdinName, Message: "no column"}},
			Summary: scan.Summary{Files: 3, Objects: 4, Skipped: 5, Charts: []string{"chart <a>", awkward}, Kustomizations: []string{awkward}, Patches: 6, Errors: 2, Suppressed: 1, Baselined: 1,
				BySeverity: map[rules.Severity]int{rules.SeverityError: 1, rules.SeverityWarning: 1, rules.SeverityNote: 0}},
		}),
	}
	for name, rep := range tests {
		t.Run(name, func(t *testing.T) { requireJSONReference(t, rep) })
	}
	t.Run("large", func(t *testing.T) {
		if testing.Short() {
			t.Skip("-short: the large report takes seconds to build")
		}
		rep, _, _ := largeReport(t)
		requireJSONReference(t, rep)
	})
}

// withFindings adds fs to rep, as a scan or an audit would have.
func withFindings(fs []scan.Finding, rep *scan.Report) *scan.Report {
	rep.Add(fs...)
	return rep
}
