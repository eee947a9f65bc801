package report

import (
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
	// Baselined marks a suppressed finding that the --baseline report
	// already held.
	Baselined bool   `json:"baselined,omitempty"`
	Reason    string `json:"reason,omitempty"`
	// Kustomization is the root the object was rendered through.
	Kustomization string `json:"kustomization,omitempty"`
	// Fingerprint is the finding's identity across commits, the SARIF
	// log's slotcheck/v1 partial fingerprint; a baseline matches on it.
	Fingerprint string `json:"fingerprint"`
}

// JSONError is one input error in the JSON report.
type JSONError struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column,omitempty"`
	Message string `json:"message"`
}

// JSONSummary counts what the scan saw; severities count findings neither
// suppressed nor baselined.
type JSONSummary struct {
	Files            int      `json:"files"`
	Objects          int      `json:"objects"`
	SkippedDocuments int      `json:"skipped_documents"`
	ChartsRendered   []string `json:"charts_rendered"`
	Kustomizations   []string `json:"kustomizations_rendered"`
	PatchesSkipped   int      `json:"kustomize_patches_skipped"`
	Errors           int      `json:"errors"`
	Warnings         int      `json:"warnings"`
	Notes            int      `json:"notes"`
	Suppressed       int      `json:"suppressed"`
	Baselined        int      `json:"baselined"`
	InputErrors      int      `json:"input_errors"`
}

// JSONReport is the whole JSON document.
type JSONReport struct {
	Findings []JSONFinding `json:"findings"`
	Errors   []JSONError   `json:"errors"`
	Summary  JSONSummary   `json:"summary"`
}

// JSON writes the report as one indented JSON object: a JSONReport as
// encoding/json's Encoder writes it with two-space indentation and no HTML
// escaping, but straight from the report, as a report of 100,000 findings
// would otherwise be copied, marshalled and indented whole in memory.
func JSON(w io.Writer, rep *scan.Report) error {
	e := newJSONWriter(w, false)
	o := e.openObject(0)
	e.key(&o, "findings")
	if rep.Len() == 0 {
		e.buf = append(e.buf, '[', ']')
	} else {
		e.buf = append(e.buf, '[')
		for i := range rep.Len() {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.newline(2)
			f := rep.At(i)
			e.jsonFinding(&f)
			if err := e.maybeFlush(); err != nil {
				return err
			}
		}
		e.newline(1)
		e.buf = append(e.buf, ']')
	}
	e.key(&o, "errors")
	if len(rep.Errors) == 0 {
		e.buf = append(e.buf, '[', ']')
	} else {
		e.buf = append(e.buf, '[')
		for i, er := range rep.Errors {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.newline(2)
			eo := e.openObject(2)
			e.stringMember(&eo, "file", er.File)
			e.intMember(&eo, "line", er.Line)
			if er.Column != 0 {
				e.intMember(&eo, "column", er.Column)
			}
			e.stringMember(&eo, "message", er.Message)
			e.closeObject(&eo)
		}
		e.newline(1)
		e.buf = append(e.buf, ']')
	}
	s := rep.Summary
	e.key(&o, "summary")
	so := e.openObject(1)
	e.intMember(&so, "files", s.Files)
	e.intMember(&so, "objects", s.Objects)
	e.intMember(&so, "skipped_documents", s.Skipped)
	e.key(&so, "charts_rendered")
	if len(s.Charts) == 0 {
		e.buf = append(e.buf, '[', ']')
	} else {
		e.stringArray(s.Charts, 2)
	}
	e.key(&so, "kustomizations_rendered")
	if len(s.Kustomizations) == 0 {
		e.buf = append(e.buf, '[', ']')
	} else {
		e.stringArray(s.Kustomizations, 2)
	}
	e.intMember(&so, "kustomize_patches_skipped", s.Patches)
	e.intMember(&so, "errors", s.BySeverity[rules.SeverityError])
	e.intMember(&so, "warnings", s.BySeverity[rules.SeverityWarning])
	e.intMember(&so, "notes", s.BySeverity[rules.SeverityNote])
	e.intMember(&so, "suppressed", s.Suppressed)
	e.intMember(&so, "baselined", s.Baselined)
	e.intMember(&so, "input_errors", s.Errors)
	e.closeObject(&so)
	e.closeObject(&o)
	e.buf = append(e.buf, '\n')
	return e.flush()
}

// jsonFinding writes f as its JSONFinding, at depth 2.
func (e *jsonWriter) jsonFinding(f *scan.Finding) {
	o := e.openObject(2)
	e.stringMember(&o, "id", f.Rule.ID)
	e.stringMember(&o, "severity", string(f.Severity))
	e.stringMember(&o, "title", f.Rule.Title)
	e.stringMember(&o, "file", f.File)
	e.intMember(&o, "line", f.Line)
	e.intMember(&o, "column", f.Column)
	e.stringMember(&o, "message", f.Message)
	e.stringMember(&o, "kind", f.Kind)
	e.stringMember(&o, "namespace", f.Namespace)
	e.stringMember(&o, "name", f.Name)
	if f.Container != "" {
		e.stringMember(&o, "container", f.Container)
	}
	e.stringMember(&o, "field", f.FieldPath)
	e.stringMember(&o, "environment", f.Environment)
	e.stringMember(&o, "section", f.Rule.Section)
	e.stringMember(&o, "remediation", f.Rule.Remediation)
	e.boolMember(&o, "suppressed", f.Suppressed)
	if f.Baselined {
		e.boolMember(&o, "baselined", true)
	}
	if f.Reason != "" {
		e.stringMember(&o, "reason", f.Reason)
	}
	if f.Root != "" {
		e.stringMember(&o, "kustomization", f.Root)
	}
	// A fingerprint is hexadecimal digits: nothing in it is escaped.
	e.key(&o, "fingerprint")
	e.buf = append(e.buf, '"')
	e.buf = appendFingerprint(e.buf, &e.hash, f)
	e.buf = append(e.buf, '"')
	e.closeObject(&o)
}
