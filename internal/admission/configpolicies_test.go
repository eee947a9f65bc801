package admission

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
)

// TestConfigSourcePolicies: the file's policy folders must be those the
// engine compiled at start; a file that names others is refused, at its
// policies line, and a reload that changes them keeps the last good file.
func TestConfigSourcePolicies(t *testing.T) {
	dir := t.TempDir()
	acme := filepath.Join(dir, "acme")
	tests := []struct {
		name     string
		started  []string // folders the engine compiled
		src      string
		wantErr  string // empty: loads
		reloaded string // a second content; loads only when its folders match
		reloadOK bool
	}{
		{name: "no folders either side", src: "version: 1\n"},
		{name: "the folders the engine has", started: []string{acme}, src: "version: 1\npolicies: [acme]\n"},
		{name: "absolute path the same", started: []string{acme}, src: "version: 1\npolicies: [" + acme + "]\n"},
		{name: "a folder the engine lacks", src: "version: 1\npolicies: [acme]\n", wantErr: ":2:1: policies: the webhook compiled its rules at start, with the policy folders none; the file now names " + filepath.ToSlash(acme)},
		{name: "a folder dropped", started: []string{acme}, src: "version: 1\n", wantErr: ":1:1: policies: the webhook compiled its rules at start, with the policy folders " + filepath.ToSlash(acme) + "; the file now names none"},
		{name: "reload naming another folder", started: []string{acme}, src: "version: 1\npolicies: [acme]\n", reloaded: "version: 1\npolicies: [acme, other]\n"},
		{name: "reload keeping the folder", started: []string{acme}, src: "version: 1\npolicies: [acme]\n", reloaded: "version: 1\npolicies: [./acme]\nrules: {SEC001: {disabled: true}}\n", reloadOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, "config.yaml")
			if err := os.WriteFile(path, []byte(tt.src), 0o644); err != nil {
				t.Fatal(err)
			}
			src, err := NewConfigSource(ConfigSourceOptions{Path: path, Policies: tt.started}, prometheus.NewRegistry(), logr.Discard())
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), path+tt.wantErr) {
					t.Fatalf("error %v, want %q", err, path+tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.reloaded == "" {
				return
			}
			before := src.Current()
			if err := os.WriteFile(path, []byte(tt.reloaded), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err = src.Reload()
			if tt.reloadOK != (err == nil) {
				t.Fatalf("reload error %v, want success %v", err, tt.reloadOK)
			}
			if kept := src.Current() == before; kept == tt.reloadOK {
				t.Errorf("configuration in force kept %v after a reload that should succeed: %v", kept, tt.reloadOK)
			}
		})
	}
}
