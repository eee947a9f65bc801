package main

import (
	"context"
	"errors"
	"os"
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

// TestConfigPolicies: the policy folders of --config compile beside those
// of --policy, each folder once however it is written, so a custom rule
// named in the one file CI reads is judged in the cluster too; a folder
// that is not there stops the webhook at the file's policies line.
func TestConfigPolicies(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", "..", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		config   string // written beside testdata's policies folder
		flags    []string
		wantDirs int
		wantErr  string
	}{
		{name: "no file", wantDirs: 0},
		{name: "file without policies", config: "version: 1\n", wantDirs: 0},
		{name: "file naming the folder", config: "version: 1\npolicies: [policies]\n", wantDirs: 1},
		{name: "folder given both ways", config: "version: 1\npolicies: [policies]\n", flags: []string{filepath.Join("..", "..", "testdata", "policies")}, wantDirs: 1},
		{name: "file that does not decode names no folder", config: "version: 1\npolicy: [policies]\n", wantDirs: 0},
		{name: "folder not there", config: "version: 1\npolicies: [nowhere]\n", wantErr: ":2:1: policies: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.config != "" {
				path = filepath.Join(t.TempDir(), "config.yaml")
				src := strings.ReplaceAll(tt.config, "[policies]", "["+filepath.Join(root, "policies")+"]")
				if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, confDirs, err := readConfig(path)
			if tt.wantErr != "" {
				var usage cli.UsageError
				if !errors.As(err, &usage) || !strings.Contains(err.Error(), path+tt.wantErr) {
					t.Fatalf("error %v, want an input error containing %q", err, path+tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			dirs := cli.PolicyDirs(tt.flags, confDirs)
			if len(dirs) != tt.wantDirs {
				t.Fatalf("policy folders %v, want %d", dirs, tt.wantDirs)
			}
			e, err := newEngine(context.Background(), dirs, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := e.Rule("ACME001"); ok != (tt.wantDirs > 0) {
				t.Errorf("engine has ACME001: %v, want %v", ok, tt.wantDirs > 0)
			}
		})
	}
}
