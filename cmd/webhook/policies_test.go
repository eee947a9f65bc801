package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slotwise/slotcheck/internal/cli"
)

// TestNewEngineCustomPolicies: the webhook judges with the rules of its
// --policy folders, and refuses to start (an input error, exit 2) on a
// policy that does not load, naming its file and line.
func TestNewEngineCustomPolicies(t *testing.T) {
	root := filepath.Join("..", "..", "testdata")
	tests := []struct {
		name    string
		dirs    []string
		wantID  string
		wantErr string
	}{
		{name: "built-in rules alone", wantID: "SEC001"},
		{name: "custom rule", dirs: []string{filepath.Join(root, "policies")}, wantID: "ACME001"},
		{name: "unknown METADATA key", dirs: []string{filepath.Join(root, "policies-invalid")}, wantErr: `typo.rego:8: custom: unknown key "admision"`},
		{name: "missing folder", dirs: []string{filepath.Join(root, "no-such-policies")}, wantErr: "no-such-policies: no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := newEngine(context.Background(), tt.dirs, nil)
			if tt.wantErr != "" {
				var usage cli.UsageError
				if !errors.As(err, &usage) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want an input error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := e.Rule(tt.wantID); !ok {
				t.Errorf("the engine has no rule %s", tt.wantID)
			}
		})
	}
}
