package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestActionScript runs the GitHub Action's step script as the runner
// would, with a slotcheck built from this checkout.
func TestActionScript(t *testing.T) {
	root := repoRoot(t)
	bin := filepath.Join(t.TempDir(), "slotcheck")
	build := exec.Command("go", "build", "-o", bin, "./cmd/slotcheck")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	tests := []struct {
		name  string
		input map[string]string
		code  int
		sarif bool
		want  string
	}{
		{"findings fail the step, SARIF still written", map[string]string{"INPUT_PATHS": "testdata/examples/violations"}, 1, true, "blocking findings"},
		{"several paths on lines", map[string]string{"INPUT_PATHS": "testdata/examples/compliant\ntestdata/examples/inputs/list.yaml"}, 0, true, "in 11 objects from 5 files"},
		{"fail-on never", map[string]string{"INPUT_PATHS": "testdata/examples/violations", "INPUT_FAIL_ON": "never"}, 0, true, ""},
		{"further args, quoted", map[string]string{"INPUT_PATHS": "testdata/examples/violations", "INPUT_ARGS": `--exclude "w*.yaml" --exclude development`}, 1, true, "in 4 objects from 2 files"},
		{"args are not evaluated", map[string]string{"INPUT_PATHS": "testdata/examples/compliant", "INPUT_ARGS": `--exclude "$(touch pwned)"`}, 0, true, ""},
		{"no SARIF file", map[string]string{"INPUT_PATHS": "testdata/examples/compliant", "INPUT_SARIF_FILE": ""}, 0, false, ""},
		{"input errors", map[string]string{"INPUT_PATHS": "testdata/examples/inputs"}, 2, true, "could not read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			work := t.TempDir()
			outputs := filepath.Join(work, "github_output")
			cmd := exec.Command("bash", filepath.Join(root, "scripts", "action.sh"))
			cmd.Dir = root
			sarif := filepath.Join(work, "results.sarif")
			cmd.Env = append(os.Environ(), "SLOTCHECK_BIN="+bin, "GITHUB_OUTPUT="+outputs, "INPUT_SARIF_FILE="+sarif, "NO_COLOR=1")
			for k, v := range tt.input {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.code || !strings.Contains(out.String(), tt.want) {
				t.Fatalf("exit %d (want %d), output lacks %q:\n%s", code, tt.code, tt.want, out.String())
			}
			if _, err := os.Stat(filepath.Join(root, "pwned")); err == nil {
				os.Remove(filepath.Join(root, "pwned"))
				t.Fatal("INPUT_ARGS was evaluated by the shell")
			}
			got, err := os.ReadFile(outputs)
			if err != nil {
				t.Fatal(err)
			}
			want := "sarif-file=\n"
			if tt.sarif {
				want = "sarif-file=" + sarif + "\n"
				raw, err := os.ReadFile(sarif)
				var log map[string]any
				if err != nil || json.Unmarshal(raw, &log) != nil || log["version"] != "2.1.0" {
					t.Errorf("SARIF file: %v %.100s", err, raw)
				}
			}
			if want += "exit-code=" + string(rune('0'+tt.code)) + "\n"; string(got) != want {
				t.Errorf("GITHUB_OUTPUT:\n%s\nwant\n%s", got, want)
			}
		})
	}
}
