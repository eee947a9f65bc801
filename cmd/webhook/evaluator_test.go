package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/slotwise/slotcheck/internal/cli"
)

// TestEvaluatorVariable shows the webhook reads the evaluator switch before
// it does anything else: a value that names no evaluator is a usage error
// that names the variable, a known one lets the command go on (to the next
// check, an --run-as that is refused, so that no test drops privileges or
// needs a cluster).
func TestEvaluatorVariable(t *testing.T) {
	tests := []struct {
		name    string
		value   string
		refused bool
	}{
		{name: "default", value: ""},
		{name: "topdown", value: "topdown"},
		{name: "unknown", value: "Topdown", refused: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(cli.EvaluatorVariable, tt.value)
			var out, errb bytes.Buffer
			code := execute(context.Background(), []string{"--run-as", "0:0", "--kubeconfig", t.TempDir() + "/none"}, streams{out: &out, err: &errb})
			if code != cli.ExitUsage {
				t.Fatalf("exit code %d, want %d\n%s", code, cli.ExitUsage, errb.String())
			}
			named := strings.Contains(errb.String(), cli.EvaluatorVariable+`="Topdown": want plans or topdown`)
			if named != tt.refused {
				t.Errorf("stderr %q: names the variable %v, want %v", errb.String(), named, tt.refused)
			}
		})
	}
}
