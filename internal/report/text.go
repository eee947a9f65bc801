// Package report writes a scan's findings for people (text) and machines
// (JSON). Every word about a rule comes from the rule's own metadata.
package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/internal/source"
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
//	file:line:col  severity  ID  message  (kind/namespace/name, container, via kustomization)
func Text(w io.Writer, rep *scan.Report, opts TextOptions) error {
	t := textWriter{w: w, color: opts.Color, buf: make([]byte, 0, flushAt+flushAt/2)}
	for _, e := range rep.Errors {
		t.open(ansiBold)
		t.buf = appendLocation(t.buf, e.File, e.Line, e.Column)
		t.close()
		t.buf = append(t.buf, "  "...)
		t.painted(ansiRed, "input-error")
		t.buf = append(t.buf, "  "...)
		t.buf = append(t.buf, e.Message...)
		t.buf = append(t.buf, '\n')
	}
	for i := range rep.Len() {
		if rep.Suppressed(i) && !opts.ShowSuppressed {
			continue
		}
		finding := rep.At(i)
		f := &finding
		if f.Suppressed {
			t.open(ansiDim)
			t.buf = appendFindingLocation(t.buf, rep, f)
			t.buf = append(t.buf, "  "...)
			t.buf = append(t.buf, f.Severity...)
			t.buf = append(t.buf, "  "...)
			t.buf = append(t.buf, f.Rule.ID...)
			t.buf = append(t.buf, "  suppressed: "...)
			t.buf = append(t.buf, f.Reason...)
			t.buf = append(t.buf, "  "...)
			t.buf = appendWho(t.buf, f)
			t.close()
		} else {
			t.open(ansiBold)
			t.buf = appendFindingLocation(t.buf, rep, f)
			t.close()
			t.buf = append(t.buf, "  "...)
			switch f.Severity {
			case rules.SeverityError:
				t.open(ansiRed)
			case rules.SeverityWarning:
				t.open(ansiYellow)
			default:
				t.open(ansiBlue)
			}
			t.buf = append(t.buf, f.Severity...)
			t.close()
			t.buf = append(t.buf, "  "...)
			t.buf = append(t.buf, f.Rule.ID...)
			t.buf = append(t.buf, "  "...)
			t.buf = append(t.buf, f.Message...)
			t.buf = append(t.buf, "  "...)
			t.open(ansiDim)
			t.buf = appendWho(t.buf, f)
			t.close()
		}
		t.buf = append(t.buf, '\n')
		if len(t.buf) >= flushAt {
			if err := t.flush(); err != nil {
				return err
			}
		}
	}
	t.buf = append(t.buf, Summary(rep)...)
	t.buf = append(t.buf, '\n')
	return t.flush()
}

// textWriter buffers the text report, flushing it to w between lines.
type textWriter struct {
	w     io.Writer
	color bool
	buf   []byte
}

// open starts text painted with an ANSI code, when colouring.
func (t *textWriter) open(code string) {
	if t.color {
		t.buf = append(t.buf, code...)
	}
}

// close ends painted text.
func (t *textWriter) close() {
	if t.color {
		t.buf = append(t.buf, ansiReset...)
	}
}

func (t *textWriter) painted(code, s string) {
	t.open(code)
	t.buf = append(t.buf, s...)
	t.close()
}

func (t *textWriter) flush() error {
	_, err := t.w.Write(t.buf)
	t.buf = t.buf[:0]
	if err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}

// appendWho appends who a finding is about: (kind/namespace/name,
// container, via the kustomization it was rendered through).
func appendWho(dst []byte, f *scan.Finding) []byte {
	dst = append(dst, '(')
	dst = source.AppendObjectName(dst, f.Kind, f.Namespace, f.Name)
	if f.Container != "" {
		dst = append(dst, ", "...)
		dst = append(dst, f.Container...)
	}
	if f.Root != "" {
		dst = append(dst, ", via "...)
		dst = append(dst, f.Root...)
	}
	return append(dst, ')')
}

// appendFindingLocation appends where a finding is: file:line:col, or, for
// an object read from a cluster, namespace/Kind/name and the field path.
// An audit's findings of its configuration file have lines, and are
// placed in the file as lint places them.
func appendFindingLocation(dst []byte, rep *scan.Report, f *scan.Finding) []byte {
	if !rep.Cluster || f.Line > 0 {
		return appendLocation(dst, f.File, f.Line, f.Column)
	}
	dst = append(dst, f.File...)
	if f.FieldPath != "" {
		dst = append(dst, ' ')
		dst = append(dst, f.FieldPath...)
	}
	return dst
}

// appendLocation appends file:line:col, leaving out what is unknown.
func appendLocation(dst []byte, file string, line, col int) []byte {
	dst = append(dst, file...)
	if line <= 0 {
		return dst
	}
	dst = append(dst, ':')
	dst = strconv.AppendInt(dst, int64(line), 10)
	if col <= 0 {
		return dst
	}
	dst = append(dst, ':')
	return strconv.AppendInt(dst, int64(col), 10)
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
	if s.Baselined > 0 {
		parts = append(parts, fmt.Sprintf("%d baselined", s.Baselined))
	}
	if s.Errors > 0 {
		parts = append(parts, plural(s.Errors, "input error"))
	}
	if rep.Cluster {
		line := strings.Join(parts, ", ") + fmt.Sprintf(" in %s from %s", plural(s.Objects, "object"), plural(s.Files, "namespace"))
		if s.Skipped > 0 {
			line += fmt.Sprintf(" (%s judged through their controllers)", plural(s.Skipped, "owned object"))
		}
		return line
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
	if len(s.Kustomizations) > 0 {
		extra = append(extra, fmt.Sprintf("%s rendered: %s", plural(len(s.Kustomizations), "kustomization"), strings.Join(s.Kustomizations, ", ")))
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
