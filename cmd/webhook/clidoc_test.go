package main

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/slotwise/slotcheck/internal/clidoc"
)

var update = flag.Bool("update", false, "rewrite docs/webhook-cli.md from the command tree")

// TestCLIDoc keeps docs/webhook-cli.md the reference the command tree
// generates: adding, renaming or rewording a command or a flag without
// regenerating it fails here.
func TestCLIDoc(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	path := filepath.Join(filepath.Dir(file), "..", "..", "docs", "webhook-cli.md")
	var b strings.Builder
	if err := clidoc.Markdown(&b, newRootCommand(streams{out: io.Discard, err: io.Discard}), "go test ./cmd/webhook -update"); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./cmd/webhook -update writes it)", err)
	}
	if string(want) != b.String() {
		w, g := strings.Split(string(want), "\n"), strings.Split(b.String(), "\n")
		i := 0
		for i < len(w) && i < len(g) && w[i] == g[i] {
			i++
		}
		t.Errorf("docs/webhook-cli.md is stale from line %d: regenerate it with\n  go test ./cmd/webhook -update", i+1)
	}
}
