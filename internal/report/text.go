// Package report writes a scan's findings for people (text) and machines
// (JSON). Every word about a rule comes from the rule's own metadata.
package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
)

// TextOptions tunes the text report.
type TextOptions struct {
	// Color adds ANSI colours; callers set it only for a terminal without NO_COLOR.
	Color bool
	// ShowSuppressed lists exempted findings too, with their reason.
	ShowSuppressed bool
}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiBlue   = "\x1b[34m"
)

// Text writes one line per finding and per input error, then a summary:
//
//	file:line:col  severity  ID  message  (kind/namespace/name, container)
func Text(w io.Writer, rep *scan.Report, opts TextOptions) error {
	paint := func(code, s string) string {
		if !opts.Color {
			return s
		}
		return code + s + ansiReset
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
		who := Object(f.Kind, f.Namespace, f.Name)
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
	_, err := io.WriteString(w, b.String())
	return err
}

// Object names an object the way kubectl users read it: Kind/namespace/name.
func Object(kind, namespace, name string) string {
	if name == "" && namespace == "" {
		return kind
	}
	if namespace == "" {
		return kind + "/" + name
	}
	return kind + "/" + namespace + "/" + name
}

func location(file string, line, col int) string {
	switch {
	case line <= 0:
		return file
	case col <= 0:
		return fmt.Sprintf("%s:%d", file, line)
	}
	return fmt.Sprintf("%s:%d:%d", file, line, col)
}

// Summary is the closing line of the text report.
func Summary(rep *scan.Report) string {
	s := rep.Summary
	total := s.BySeverity[rules.SeverityError] + s.BySeverity[rules.SeverityWarning] + s.BySeverity[rules.SeverityNote]
	parts := []string{fmt.Sprintf("%s (%s, %s, %s)", plural(total, "finding"),
		plural(s.BySeverity[rules.SeverityError], "error"),
		plural(s.BySeverity[rules.SeverityWarning], "warning"),
		plural(s.BySeverity[rules.SeverityNote], "note"))}
	if s.Suppressed > 0 {
		parts = append(parts, fmt.Sprintf("%d suppressed", s.Suppressed))
	}
	if s.Errors > 0 {
		parts = append(parts, plural(s.Errors, "input error"))
	}
	line := strings.Join(parts, ", ") + fmt.Sprintf(" in %s from %s", plural(s.Objects, "object"), plural(s.Files, "file"))
	var extra []string
	if s.Skipped > 0 {
		extra = append(extra, plural(s.Skipped, "document")+" not Kubernetes objects")
	}
	if s.Patches > 0 {
		extra = append(extra, plural(s.Patches, "Kustomize patch file")+" not linted on their own")
	}
	if len(s.Charts) > 0 {
		extra = append(extra, fmt.Sprintf("%s rendered: %s", plural(len(s.Charts), "Helm chart"), strings.Join(s.Charts, ", ")))
	}
	if len(extra) > 0 {
		line += " (" + strings.Join(extra, "; ") + ")"
	}
	return line
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
