package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xeipuuv/gojsonschema"

	"github.com/slotwise/slotcheck/internal/cli"
	"github.com/slotwise/slotcheck/internal/report"
)

// TestGoldenSARIF writes SARIF to a file beside text on standard output,
// as CI does, and compares the file with its golden copy.
func TestGoldenSARIF(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"compliant", []string{"testdata/examples/compliant"}, 0},
		{"violations", []string{"testdata/examples/violations"}, 1},
		{"inputs", []string{"--sarif-category", "k8s/production", "testdata/examples/inputs"}, 2},
		{"dockerfiles", []string{"--sarif-category", "dockerfiles", "testdata/dockerfiles"}, 2},
		{"helm-subchart-archive", []string{"--fail-on", "never", "testdata/charts/umbrella"}, 0},
		{"custom-policies", []string{"--policy", "testdata/policies", "testdata/custom"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "results.sarif")
			stdout, stderr, code := run(t, "", append([]string{"--output", "sarif=" + out}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tt.code, stdout, stderr)
			}
			if !strings.Contains(stdout, " in ") {
				t.Errorf("standard output lost its text report: %q", stdout)
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", "golden", tt.name+".sarif"), string(got))
		})
	}
}

// npmTools is the folder scripts/npm-tools installs into.
func npmTools(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("SLOTCHECK_NPM_TOOLS"); dir != "" {
		return dir
	}
	lock, err := os.ReadFile("tools/npm/package-lock.json")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(lock)
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache")
	}
	dir := filepath.Join(cache, "slotcheck", "npm-"+hex.EncodeToString(sum[:])[:16])
	if _, err := os.Stat(dir); err != nil {
		if testing.Short() {
			t.Skip("npm tools not installed; -short skips the SARIF validators")
		}
		t.Fatalf("npm tools not installed in %s: run ./scripts/npm-tools (./scripts/test does)", dir)
	}
	return dir
}

func goldenSARIF(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/golden/*.sarif")
	if err != nil || len(files) == 0 {
		t.Fatalf("no SARIF golden files: %v", err)
	}
	return files
}

// TestSARIFSchema validates every SARIF golden file against the SARIF 2.1.0
// schema that ships in the SARIF Multitool's npm package.
func TestSARIFSchema(t *testing.T) {
	t.Chdir(repoRoot(t))
	schema := filepath.Join(npmTools(t), "node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json")
	loader := gojsonschema.NewReferenceLoader("file://" + schema)
	for _, f := range goldenSARIF(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			abs, _ := filepath.Abs(f)
			res, err := gojsonschema.Validate(loader, gojsonschema.NewReferenceLoader("file://"+abs))
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range res.Errors() {
				t.Errorf("%s: %s", f, e)
			}
		})
	}
}

// TestSARIFMultitool runs Microsoft's SARIF Multitool on every SARIF golden
// file with GitHub's ingestion rules and the SARIF rules: it must report
// nothing, not even a warning. One run checks every file, as the .NET
// program takes seconds to start.
func TestSARIFMultitool(t *testing.T) {
	t.Chdir(repoRoot(t))
	tool := filepath.Join(npmTools(t), "node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool")
	files := goldenSARIF(t)
	out := filepath.Join(t.TempDir(), "validation.sarif")
	cmd := exec.Command(tool, append([]string{"validate", "--rule-kind", "Gh;Sarif", "--output", out}, files...)...)
	// The Multitool is a .NET program: without ICU on the machine it needs
	// invariant globalization, and it must not phone home.
	cmd.Env = append(os.Environ(), "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1", "DOTNET_CLI_TELEMETRY_OPTOUT=1")
	var console bytes.Buffer
	cmd.Stdout, cmd.Stderr = &console, &console
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s", err, console.String())
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("%v\n%s", err, console.String())
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID  string `json:"ruleId"`
				Level   string `json:"level"`
				Message struct {
					Text      string   `json:"text"`
					Arguments []string `json:"arguments"`
				} `json:"message"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(raw, &log); err != nil {
		t.Fatal(err)
	}
	if scanned := fmt.Sprintf("Done. %d files scanned.", len(files)); len(log.Runs) == 0 || !strings.Contains(console.String(), scanned) {
		t.Fatalf("the Multitool did not check all %d files:\n%s", len(files), console.String())
	}
	for _, r := range log.Runs[0].Results {
		t.Errorf("%s %s: %s %v", r.Level, r.RuleID, r.Message.Text, r.Message.Arguments)
	}
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Locations           []struct {
		PhysicalLocation struct {
			Region struct {
				StartLine int `json:"startLine"`
				EndLine   int `json:"endLine"`
			} `json:"region"`
		} `json:"physicalLocation"`
	} `json:"locations"`
}

func sarifResults(t *testing.T, stdout string) []sarifResult {
	t.Helper()
	var log struct {
		Runs []struct {
			Results []sarifResult `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(stdout), &log); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	return log.Runs[0].Results
}

// TestFingerprintsSurviveMovedLines moves a manifest down by ten lines:
// every alert must keep its fingerprint and move its region by ten.
func TestFingerprintsSurviveMovedLines(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(repoRoot(t), "testdata/examples/violations/workload.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "workload.yaml")
	scanOnce := func(content []byte) []sarifResult {
		if err := os.WriteFile(file, content, 0o644); err != nil {
			t.Fatal(err)
		}
		stdout, stderr, code := run(t, "", "-f", "sarif", file)
		if code != 1 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		return sarifResults(t, stdout)
	}
	before := scanOnce(src)
	after := scanOnce(append([]byte(strings.Repeat("# moved down\n", 10)), src...))
	if len(before) < 20 || len(before) != len(after) {
		t.Fatalf("%d results before, %d after", len(before), len(after))
	}
	seen := map[string]bool{}
	for i := range before {
		b, a := before[i], after[i]
		fp := b.PartialFingerprints["slotcheck/v1"]
		if fp == "" || fp != a.PartialFingerprints["slotcheck/v1"] {
			t.Errorf("%s: fingerprint %q became %q", b.RuleID, fp, a.PartialFingerprints["slotcheck/v1"])
		}
		if seen[fp] {
			t.Errorf("%s: fingerprint %s is not unique", b.RuleID, fp)
		}
		seen[fp] = true
		br, ar := b.Locations[0].PhysicalLocation.Region, a.Locations[0].PhysicalLocation.Region
		if ar.StartLine != br.StartLine+10 || ar.EndLine != br.EndLine+10 {
			t.Errorf("%s: region %d-%d moved to %d-%d, want +10", b.RuleID, br.StartLine, br.EndLine, ar.StartLine, ar.EndLine)
		}
	}
}

// TestSARIFLimits checks that a SARIF log too large for code scanning is
// written anyway, with one warning or note on standard error, and that
// other formats say nothing; the limits are lowered through the options.
func TestSARIFLimits(t *testing.T) {
	t.Chdir(repoRoot(t))
	results := len(sarifResults(t, func() string {
		stdout, _, _ := run(t, "", "-f", "sarif", "testdata/examples/violations")
		return stdout
	}()))
	tests := []struct {
		name    string
		format  string
		sarifTo bool
		limits  report.SARIFLimits
		want    string
	}{
		{name: "within the limits", format: "sarif", limits: report.SARIFLimits{Shown: results, Accepted: results}},
		{name: "not all shown", format: "sarif", limits: report.SARIFLimits{Shown: results - 1, Accepted: results},
			want: fmt.Sprintf("slotcheck: note: the SARIF log holds %d results; GitHub code scanning shows %d of one run", results, results-1)},
		{name: "rejected", format: "sarif", limits: report.SARIFLimits{Shown: 1, Accepted: results - 1},
			want: fmt.Sprintf("slotcheck: warning: the SARIF log holds %d results, more than the %d of one run", results, results-1)},
		{name: "rejected, to a file", format: "text", sarifTo: true, limits: report.SARIFLimits{Shown: 1, Accepted: 2},
			want: fmt.Sprintf("slotcheck: warning: the SARIF log holds %d results", results)},
		{name: "rejected, to both", format: "sarif", sarifTo: true, limits: report.SARIFLimits{Shown: 1, Accepted: 2},
			want: fmt.Sprintf("slotcheck: warning: the SARIF log holds %d results", results)},
		{name: "no SARIF", format: "json", limits: report.SARIFLimits{Shown: 1, Accepted: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := &lintOptions{output: outputOptions{format: tt.format, failOn: "error", sarifCategory: "slotcheck", sarifLimits: tt.limits}}
			file := filepath.Join(t.TempDir(), "results.sarif")
			if tt.sarifTo {
				opts.output.outputs = []string{"sarif=" + file}
			}
			var stdout, stderr bytes.Buffer
			err := runLint(context.Background(), opts, []string{"testdata/examples/violations"}, streams{in: strings.NewReader(""), out: &stdout, err: &stderr})
			if err != cli.StatusError(exitFindings) {
				t.Fatalf("got %v, want exit %d", err, exitFindings)
			}
			if tt.format == "sarif" && len(sarifResults(t, stdout.String())) != results {
				t.Errorf("the log on standard output lost results")
			}
			if raw, err := os.ReadFile(file); tt.sarifTo && (err != nil || len(sarifResults(t, string(raw))) != results) {
				t.Errorf("the log written to a file lost results: %v", err)
			}
			if tt.want == "" {
				if stderr.Len() > 0 {
					t.Errorf("standard error: %q, want nothing", stderr.String())
				}
				return
			}
			if !strings.HasPrefix(stderr.String(), tt.want) || strings.Count(stderr.String(), "\n") != 1 || !strings.Contains(stderr.String(), "--sarif-category k8s/apps ./k8s/apps") {
				t.Errorf("standard error:\n%s\nwant one line starting %q, saying how to split the scan", stderr.String(), tt.want)
			}
		})
	}
}
