package main

import (
	"strings"
	"testing"

	"github.com/slotwise/slotcheck/internal/cli"
)

// TestEvaluatorVariable shows the switch a user turns to check a verdict
// with OPA's reference evaluator: the same findings, and a value that names
// no evaluator is a usage error that names the variable.
func TestEvaluatorVariable(t *testing.T) {
	args := []string{"-f", "json", "testdata/examples/violations", "testdata/dockerfiles/standard", "testdata/workloads/rollout"}
	plans, _, planCode := run(t, "", args...)
	tests := []struct {
		name   string
		value  string
		code   int
		stdout string
		stderr string
	}{
		{name: "plans", value: "plans", code: planCode, stdout: plans},
		{name: "topdown", value: "topdown", code: planCode, stdout: plans},
		{name: "unknown", value: "wasm", code: 2, stderr: cli.EvaluatorVariable + `="wasm": want plans or topdown`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(cli.EvaluatorVariable, tt.value)
			stdout, stderr, code := run(t, "", args...)
			if code != tt.code {
				t.Fatalf("exit code %d, want %d\n%s", code, tt.code, stderr)
			}
			if tt.stdout != "" && stdout != tt.stdout {
				t.Errorf("findings differ from the default evaluator's:\n%s", diff(tt.stdout, stdout))
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr %q, want it to say %q", stderr, tt.stderr)
			}
		})
	}
}
