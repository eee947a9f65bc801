package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files, docs/rules.md and docs/cli.md from the current output")

// repoRoot is the repository's root, found from this file so that tests
// that run several commands do not climb further with each.
func repoRoot(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the test source")
	}
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// run executes one command line from the repository root, as a user would.
func run(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	t.Chdir(repoRoot(t))
	t.Setenv("NO_COLOR", "")
	var out, errb bytes.Buffer
	code = execute(context.Background(), args, streams{in: strings.NewReader(stdin), out: &out, err: &errb})
	return out.String(), errb.String(), code
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
	}{
		{"compliant", "", []string{"testdata/examples/compliant"}, 0},
		{"violations", "", []string{"testdata/examples/violations"}, 1},
		{"violations-json", "", []string{"lint", "--format", "json", "testdata/examples/violations"}, 1},
		{"violations-development", "", []string{"--env", "dev", "testdata/examples/violations/workload.yaml"}, 1},
		{"inputs", "", []string{"--show-suppressed", "testdata/examples/inputs"}, 2},
		{"inputs-json", "", []string{"-f", "json", "testdata/examples/inputs"}, 2},
		{"fail-on-never", "", []string{"--fail-on", "never", "testdata/examples/violations/edge.yaml"}, 0},
		{"fail-on-note", "", []string{"--fail-on", "note", "testdata/examples/inputs/list.yaml"}, 1},
		{"warnings-pass-by-default", "", []string{"testdata/examples/inputs/list.yaml"}, 0},
		{"stdin", "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: 80\n", []string{"-"}, 0},
		{"missing-path", "", []string{"testdata/examples/compliant", "testdata/no-such-dir"}, 2},
		{"exclude", "", []string{"--exclude", "development", "--exclude", "w*.yaml", "testdata/examples/violations"}, 1},
		{"profiles-override", "", []string{"--profiles", "testdata/profiles", "testdata/examples/violations/worker.yaml"}, 1},
		{"violations-junit", "", []string{"-f", "junit", "testdata/examples/violations/worker.yaml", "testdata/examples/violations/network.yaml"}, 1},
		{"inputs-junit", "", []string{"-f", "junit", "--fail-on", "warning", "testdata/examples/inputs"}, 2},
		{"bad-output", "", []string{"--output", "pdf=report.pdf", "testdata/examples/compliant"}, 2},
		{"config", "", []string{"--config", "testdata/config/slotcheck.yaml", "--show-suppressed", "testdata/examples/violations/workload.yaml"}, 1},
		{"config-invalid", "", []string{"--config", "testdata/config/invalid.yaml", "testdata/examples/compliant"}, 2},
		{"workloads-rollout", "", []string{"--show-suppressed", "testdata/workloads/rollout"}, 1},
		{"workloads-redefine", "", []string{"testdata/workloads/redefine"}, 2},
		{"dockerfiles", "", []string{"--show-suppressed", "testdata/dockerfiles"}, 2},
		{"dockerfiles-json", "", []string{"-f", "json", "testdata/dockerfiles/standard", "testdata/dockerfiles/user-reset.Dockerfile"}, 1},
		{"dockerfile-build-arg", "", []string{"--build-arg", "BASE=alpine:3.20", "testdata/dockerfiles/args.Dockerfile"}, 1},
		{"dockerfile-bad-build-arg", "", []string{"--build-arg", "BASE", "testdata/dockerfiles/args.Dockerfile"}, 2},
		{"helm-chart", "", []string{"testdata/charts/shop"}, 1},
		{"helm-chart-values", "", []string{"--values", "testdata/charts/shop-staging.yaml", "--set", "runAsNonRoot=false", "--release-name", "web", "--release-namespace", "shop-staging", "testdata/charts/shop"}, 1},
		{"helm-chart-bad-values", "", []string{"--values", "testdata/no-such-values.yaml", "testdata/charts/shop"}, 2},
		{"kustomize-podinfo", "", []string{"testdata/kustomize/podinfo"}, 1},
		{"kustomize-podinfo-production-json", "", []string{"-f", "json", "testdata/kustomize/podinfo/overlays/production"}, 1},
		{"kustomize-microservices-demo", "", []string{"testdata/kustomize/microservices-demo"}, 1},
		{"kustomize-off", "", []string{"--kustomize=false", "testdata/kustomize/podinfo"}, 1},
		{"kustomize-errors", "", []string{"--show-suppressed", "testdata/kustomize/errors"}, 2},
		{"kustomize-environment-from-root", "", []string{"-f", "json", "testdata/kustomize/errors/staging"}, 0},
		{"helm-subchart-archive", "", []string{"--fail-on", "never", "testdata/charts/umbrella"}, 0},
		{"helm-range-loop", "", []string{"--fail-on", "never", "testdata/charts/loops"}, 0},
		{"baseline", "", []string{"--show-suppressed", "--baseline", "testdata/baseline/baseline.json", "testdata/baseline/app.yaml"}, 1},
		{"baseline-json", "", []string{"-f", "json", "--baseline", "testdata/baseline/baseline.json", "testdata/baseline/app.yaml"}, 1},
		{"baseline-sarif", "", []string{"-f", "sarif", "--baseline", "testdata/baseline/baseline.json", "testdata/baseline/app.yaml"}, 1},
		{"baseline-not-a-report", "", []string{"--baseline", "testdata/baseline/app.yaml", "testdata/baseline/app.yaml"}, 2},
		{"baseline-missing", "", []string{"--baseline", "testdata/no-such-baseline.json", "testdata/baseline/app.yaml"}, 2},
		{"rules", "", []string{"rules"}, 0},
		{"rules-json", "", []string{"rules", "--format", "json"}, 0},
		{"explain", "", []string{"explain", "sec001"}, 0},
		{"explain-reads", "", []string{"explain", "NET001"}, 0},
		{"explain-unknown", "", []string{"explain", "NOPE001"}, 2},
		{"bad-format", "", []string{"--format", "yaml", "testdata/examples/compliant"}, 2},
		{"bad-flag", "", []string{"--no-such-flag", "testdata"}, 2},
		{"bad-env", "", []string{"--env", "qa", "testdata"}, 2},
		{"no-path", "", []string{"lint"}, 2},
		{"audit-no-kubeconfig", "", []string{"audit", "--kubeconfig", "testdata/no-such-kubeconfig"}, 2},
		{"audit-bad-chunk-size", "", []string{"audit", "--chunk-size", "0"}, 2},
		{"audit-args", "", []string{"audit", "testdata/examples"}, 2},
		{"audit-bad-config", "", []string{"audit", "--kubeconfig", "testdata/audit/kubeconfig", "--config", "testdata/audit/bad-config.yaml"}, 2},
		{"audit-config-workloads", "", []string{"audit", "--kubeconfig", "testdata/audit/kubeconfig", "--config", "testdata/workloads/redefine/.slotcheck.yaml"}, 2},
		{"audit-no-baseline", "", []string{"audit", "--kubeconfig", "testdata/audit/kubeconfig", "--baseline", "testdata/audit/no-such-report.json"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := run(t, tt.stdin, tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout, stderr)
			}
			got := fmt.Sprintf("$ slotcheck %s\n-- exit %d --\n-- stdout --\n%s-- stderr --\n%s", strings.Join(tt.args, " "), code, stdout, stderr)
			golden(t, filepath.Join("testdata", "golden", tt.name+".golden"), got)
		})
	}
}

// golden compares got with a file under the repository root (the test has
// already changed into it), or rewrites the file with -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/slotcheck -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs (go test ./cmd/slotcheck -update rewrites it):\n%s", path, diff(string(want), got))
	}
}

// diff shows the first lines where two texts part.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 10; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want %q\n  got  %q\n", i+1, wl, gl)
			shown++
		}
	}
	return b.String()
}

// TestRulesDoc keeps docs/rules.md what the binary generates from the policies.
func TestRulesDoc(t *testing.T) {
	stdout, stderr, code := run(t, "", "rules", "--format", "markdown")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if *update {
		if err := os.WriteFile("docs/rules.md", []byte(stdout), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile("docs/rules.md")
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != stdout {
		t.Errorf("docs/rules.md is stale: regenerate it with\n  go run ./cmd/slotcheck rules --format markdown --output docs/rules.md\n%s", diff(string(want), stdout))
	}
}

// TestRulesOutputFile writes the reference to a file, as CONTRIBUTING.md says.
func TestRulesOutputFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "rules.md")
	_, stderr, code := run(t, "", "rules", "-f", "markdown", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil || !bytes.Contains(b, []byte("## SEC001: ")) {
		t.Fatalf("rules.md: %v\n%.200s", err, b)
	}
}

func TestVersion(t *testing.T) {
	stdout, _, code := run(t, "", "version")
	if code != 0 || !strings.HasPrefix(stdout, "slotcheck ") {
		t.Fatalf("exit %d: %q", code, stdout)
	}
}

func TestCompletion(t *testing.T) {
	stdout, _, code := run(t, "", "completion", "bash")
	if code != 0 || !strings.Contains(stdout, "__start_slotcheck") {
		t.Fatalf("exit %d: %.200q", code, stdout)
	}
}
