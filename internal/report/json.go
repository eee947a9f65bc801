package report

import (
	"encoding/json"
	"io"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
)

// JSONFinding is one finding in the JSON report. The README documents it.
type JSONFinding struct {
	ID          string `json:"id"`
	Severity    string `json:"severity"`
	Title       string `json:"title"`
	File        string `json:"file"`
	Line        int    `json:"line"`
	Column      int    `json:"column"`
	Message     string `json:"message"`
	Kind        string `json:"kind"`
	Namespace   string `json:"namespace"`
	Name        string `json:"name"`
	Container   string `json:"container,omitempty"`
	Field       string `json:"field"`
	Environment string `json:"environment"`
	Section     string `json:"section"`
	Remediation string `json:"remediation"`
	Suppressed  bool   `json:"suppressed"`
	Reason      string `json:"reason,omitempty"`
}

// JSONError is one input error in the JSON report.
type JSONError struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column,omitempty"`
	Message string `json:"message"`
}

// JSONSummary counts what the scan saw; severities count unsuppressed findings.
type JSONSummary struct {
	Files            int      `json:"files"`
	Objects          int      `json:"objects"`
	SkippedDocuments int      `json:"skipped_documents"`
	ChartsRendered   []string `json:"charts_rendered"`
	PatchesSkipped   int      `json:"kustomize_patches_skipped"`
	Errors           int      `json:"errors"`
	Warnings         int      `json:"warnings"`
	Notes            int      `json:"notes"`
	Suppressed       int      `json:"suppressed"`
	InputErrors      int      `json:"input_errors"`
}

// JSONReport is the whole JSON document.
type JSONReport struct {
	Findings []JSONFinding `json:"findings"`
	Errors   []JSONError   `json:"errors"`
	Summary  JSONSummary   `json:"summary"`
}

// JSON writes the report as one indented JSON object.
func JSON(w io.Writer, rep *scan.Report) error {
	out := JSONReport{Findings: []JSONFinding{}, Errors: []JSONError{}}
	for _, f := range rep.Findings {
		out.Findings = append(out.Findings, JSONFinding{
			ID: f.Rule.ID, Severity: string(f.Severity), Title: f.Rule.Title,
			File: f.File, Line: f.Line, Column: f.Column, Message: f.Message,
			Kind: f.Kind, Namespace: f.Namespace, Name: f.Name, Container: f.Container,
			Field: f.FieldPath, Environment: f.Environment,
			Section: f.Rule.Section, Remediation: f.Rule.Remediation,
			Suppressed: f.Suppressed, Reason: f.Reason,
		})
	}
	for _, e := range rep.Errors {
		out.Errors = append(out.Errors, JSONError{File: e.File, Line: e.Line, Column: e.Column, Message: e.Message})
	}
	s := rep.Summary
	out.Summary = JSONSummary{
		Files: s.Files, Objects: s.Objects, SkippedDocuments: s.Skipped,
		ChartsRendered: append([]string{}, s.Charts...), PatchesSkipped: s.Patches,
		Errors:     s.BySeverity[rules.SeverityError],
		Warnings:   s.BySeverity[rules.SeverityWarning],
		Notes:      s.BySeverity[rules.SeverityNote],
		Suppressed: s.Suppressed, InputErrors: s.Errors,
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
