package report

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/policies"
)

// benchFindings is about the size of the report the issue names (10,000
// objects, 98,761 findings).
const benchFindings = 100000

// largeReport scans the repository's example manifests once
// (real rules, messages, field paths, suppressions and input errors) and
// repeats what it found, each copy under its own folder and object names,
// until the report holds about benchFindings findings.
func largeReport(tb testing.TB) (*scan.Report, []*rules.Rule, string) {
	tb.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		tb.Fatal(err)
	}
	e, err := rules.New(context.Background(), policies.FS())
	if err != nil {
		tb.Fatal(err)
	}
	var paths []string
	for _, p := range []string{"testdata/examples/violations", "testdata/examples/inputs"} {
		paths = append(paths, filepath.Join(root, p))
	}
	base, err := scan.Run(context.Background(), e, scan.Options{Paths: paths, WorkDir: root})
	if err != nil {
		tb.Fatal(err)
	}
	if base.Len() == 0 || len(base.Errors) == 0 {
		tb.Fatalf("the examples gave %d findings and %d input errors", base.Len(), len(base.Errors))
	}
	copies := (benchFindings + base.Len() - 1) / base.Len()
	rep := &scan.Report{Summary: base.Summary}
	rep.Summary.BySeverity = map[rules.Severity]int{}
	for sev, n := range base.Summary.BySeverity {
		rep.Summary.BySeverity[sev] = n * copies
	}
	rep.Summary.Files *= copies
	rep.Summary.Objects *= copies
	rep.Summary.Suppressed *= copies
	moved := func(file string, k int) string {
		return strings.Replace(file, "testdata/", fmt.Sprintf("testdata/copy-%04d/", k), 1)
	}
	for k := range copies {
		suffix := fmt.Sprintf("-%d", k)
		for f := range base.All() {
			f.File = moved(f.File, k)
			if f.Name != "" {
				f.Name += suffix
			}
			rep.Add(f)
		}
		for _, t := range base.Targets {
			t.File = moved(t.File, k)
			if t.Name != "" {
				t.Name += suffix
			}
			rep.Targets = append(rep.Targets, t)
		}
		// Input errors are rare in a real repository: a few copies suffice.
		if k < 10 {
			for _, er := range base.Errors {
				er.File = moved(er.File, k)
				rep.Errors = append(rep.Errors, er)
			}
		}
	}
	rep.Summary.Errors = len(rep.Errors)
	scan.Sort(rep)
	return rep, e.Rules(), root
}

// benchWrite times one writer on the large report, reporting the output's
// size as bytes per operation so that MB/s reads as output throughput.
func benchWrite(b *testing.B, write func(io.Writer, *scan.Report, []*rules.Rule, string) error) {
	rep, all, root := largeReport(b)
	var buf bytes.Buffer
	if err := write(&buf, rep, all, root); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportMetric(float64(rep.Len()), "findings")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		buf.Reset()
		if err := write(&buf, rep, all, root); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteSARIF(b *testing.B) {
	benchWrite(b, func(w io.Writer, rep *scan.Report, all []*rules.Rule, root string) error {
		return SARIF(w, rep, SARIFOptions{Rules: all, Root: root, Version: "v1.2.3"})
	})
}

// BenchmarkWriteSARIFReference is the floor SARIF is measured against: the
// same log, results and all, marshalled by encoding/json.
func BenchmarkWriteSARIFReference(b *testing.B) {
	benchWrite(b, func(w io.Writer, rep *scan.Report, all []*rules.Rule, root string) error {
		_, err := w.Write(sarifReference(b, rep, SARIFOptions{Rules: all, Root: root, Version: "v1.2.3"}))
		return err
	})
}

func BenchmarkWriteJSON(b *testing.B) {
	benchWrite(b, func(w io.Writer, rep *scan.Report, _ []*rules.Rule, _ string) error {
		return JSON(w, rep)
	})
}

// BenchmarkWriteJSONReference is the floor JSON is measured against: the
// same report, fingerprints and all, encoded by encoding/json.
func BenchmarkWriteJSONReference(b *testing.B) {
	benchWrite(b, func(w io.Writer, rep *scan.Report, _ []*rules.Rule, _ string) error {
		_, err := w.Write(jsonReference(b, rep))
		return err
	})
}

func BenchmarkWriteText(b *testing.B) {
	benchWrite(b, func(w io.Writer, rep *scan.Report, _ []*rules.Rule, _ string) error {
		return Text(w, rep, TextOptions{ShowSuppressed: true})
	})
}

func BenchmarkWriteJUnit(b *testing.B) {
	benchWrite(b, func(w io.Writer, rep *scan.Report, all []*rules.Rule, _ string) error {
		return JUnit(w, rep, JUnitOptions{Rules: all, FailOn: rules.SeverityError.Rank()})
	})
}
