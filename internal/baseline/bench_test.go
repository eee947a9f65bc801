package baseline

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// reportFile, when set, is a JSON report the benchmarks read instead of
// the generated one: a baseline of a real or generated repository.
var reportFile = flag.String("report", "", "a JSON report for the decoding benchmarks to read (default: a generated one)")

// benchFindings is how many findings the generated report holds.
const benchFindings = 20000

// benchReport is the report the benchmarks decode: -report, or a report
// of benchFindings findings shaped as slotcheck writes them.
func benchReport(b *testing.B) []byte {
	b.Helper()
	if *reportFile != "" {
		data, err := os.ReadFile(*reportFile)
		if err != nil {
			b.Fatal(err)
		}
		return data
	}
	var s strings.Builder
	s.WriteString("{\n  \"findings\": [\n")
	for i := range benchFindings {
		if i > 0 {
			s.WriteString(",\n")
		}
		fmt.Fprintf(&s, `    {
      "id": "NET001",
      "severity": "error",
      "title": "Workloads are isolated by NetworkPolicies",
      "file": "k8s/team-%d/app.yaml",
      "line": %d,
      "column": 7,
      "message": "no NetworkPolicy in the namespace of StatefulSet \"worker\" selects its pods: add one whose podSelector matches them",
      "kind": "StatefulSet",
      "namespace": "jobs",
      "name": "worker-%d",
      "field": "spec.template.metadata.labels",
      "environment": "production",
      "section": "Network Policies",
      "remediation": "Add a NetworkPolicy in the workload's namespace whose podSelector matches the pod template's labels.",
      "suppressed": false,
      "fingerprint": "%032x"
    }`, i/100, i%100+1, i, i)
	}
	s.WriteString("\n  ],\n  \"errors\": [],\n  \"summary\": {\"errors\": 1}\n}\n")
	return []byte(s.String())
}

// BenchmarkDecode reads a baseline beside floors in the same run:
// json.Valid of the same report (the scan any reader makes of every
// byte), encoding/json's tokens of it, and json.Unmarshal of it into
// any. "whole" is the reader that unmarshalled the whole report
// (decodeWhole); the "file" pair reads the report from a file, where the
// whole reader holds all of it at once and the stream does not.
func BenchmarkDecode(b *testing.B) {
	data := benchReport(b)
	path := filepath.Join(b.TempDir(), "baseline.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	b.Run("stream-file", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Read(path); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("whole-file", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			data, err := os.ReadFile(path)
			if err != nil {
				b.Fatal(err)
			}
			if _, _, err := decodeWhole(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("floor-valid", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if !json.Valid(data) {
				b.Fatal("not JSON")
			}
		}
	})
	b.Run("stream", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Decode("baseline.json", data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("whole", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := decodeWhole(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("floor-tokens", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			dec := json.NewDecoder(strings.NewReader(string(data)))
			for {
				if _, err := dec.Token(); errors.Is(err, io.EOF) {
					break
				} else if err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("floor-any", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var v any
			if err := json.Unmarshal(data, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}
