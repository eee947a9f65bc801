package cli_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/slotwise/slotcheck/internal/cli"
)

func TestExitCode(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		code   int
		stderr string
	}{
		{"success", nil, 0, ""},
		{"status", cli.StatusError(1), 1, ""},
		{"wrapped status", fmt.Errorf("lint: %w", cli.StatusError(2)), 2, ""},
		{"usage", cli.UsageError{Err: errors.New("--format: want text")}, 2, "tool: --format: want text\nRun 'tool --help' for usage.\n"},
		{"wrapped usage", fmt.Errorf("x: %w", cli.UsageError{Err: errors.New("bad")}), 2, "tool: bad\nRun 'tool --help' for usage.\n"},
		{"anything else", errors.New("boom"), 3, "tool: internal error: boom\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w bytes.Buffer
			if got := cli.ExitCode(&w, "tool", tt.err); got != tt.code {
				t.Errorf("code %d, want %d", got, tt.code)
			}
			if w.String() != tt.stderr {
				t.Errorf("said %q, want %q", w.String(), tt.stderr)
			}
		})
	}
}
