package main

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// testDuration matches the time opa test reports beside each test, which
// differs every run.
var testDuration = regexp.MustCompile(`\((?:[0-9.]+(?:ns|µs|ms|s|m|h))+\)`)

// TestGoldenCustomPolicies runs the commands that load custom policy
// folders (testdata/policies: a Kubernetes rule and a Dockerfile rule,
// with their tests) and those that must refuse broken ones.
func TestGoldenCustomPolicies(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"custom-lint", []string{"--policy", "testdata/policies", "testdata/custom"}, 1},
		{"custom-lint-json", []string{"-f", "json", "--policy", "testdata/policies", "testdata/custom/deployment.yaml"}, 1},
		{"custom-lint-junit", []string{"-f", "junit", "--policy", "testdata/policies", "testdata/custom/Dockerfile", "testdata/custom/deployment.yaml"}, 1},
		{"custom-lint-development", []string{"--env", "development", "--policy", "testdata/policies", "testdata/custom"}, 0},
		{"custom-config", []string{"--config", "testdata/config/policies.yaml", "--show-suppressed", "testdata/custom"}, 0},
		{"custom-config-and-flag", []string{"--config", "testdata/config/policies.yaml", "--policy", "testdata/policies", "testdata/custom"}, 0},
		{"custom-rules", []string{"rules", "--policy", "testdata/policies"}, 0},
		{"custom-explain", []string{"explain", "--policy", "testdata/policies", "acme001"}, 0},
		{"custom-invalid", []string{"--policy", "testdata/policies-invalid", "testdata/custom"}, 2},
		{"custom-parse-error", []string{"rules", "--policy", "testdata/policies-broken"}, 2},
		{"custom-compile-error", []string{"--policy", "testdata/policies-uncompiled", "testdata/custom"}, 2},
		{"custom-missing-folder", []string{"--policy", "testdata/no-such-policies", "testdata/custom"}, 2},
		{"custom-twice", []string{"--policy", "testdata/policies", "--policy", "testdata/policies/k8s", "testdata/custom"}, 2},
		{"policy-test", []string{"policy", "test", "testdata/policies"}, 0},
		{"policy-test-verbose", []string{"policy", "test", "-v", "testdata/policies"}, 0},
		{"policy-test-failing", []string{"policy", "test", "testdata/policies", "testdata/policies-failing"}, 1},
		{"policy-test-invalid", []string{"policy", "test", "testdata/policies-invalid"}, 2},
		{"policy-test-no-folder", []string{"policy", "test"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := run(t, "", tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout, stderr)
			}
			stdout = testDuration.ReplaceAllString(stdout, "(<duration>)")
			got := fmt.Sprintf("$ slotcheck %s\n-- exit %d --\n-- stdout --\n%s-- stderr --\n%s", strings.Join(tt.args, " "), code, stdout, stderr)
			golden(t, filepath.Join("testdata", "golden", tt.name+".golden"), got)
		})
	}
}
