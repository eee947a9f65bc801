package main

import (
	"io"
	"strings"
	"testing"

	"github.com/slotwise/slotcheck/internal/clidoc"
)

// TestCLIDoc keeps docs/cli.md the reference the command tree generates:
// adding, renaming or rewording a command or a flag without regenerating it
// fails here.
func TestCLIDoc(t *testing.T) {
	t.Chdir(repoRoot(t))
	var b strings.Builder
	root := newRootCommand(streams{in: strings.NewReader(""), out: io.Discard, err: io.Discard})
	if err := clidoc.Markdown(&b, root, "go test ./cmd/slotcheck -update"); err != nil {
		t.Fatal(err)
	}
	golden(t, "docs/cli.md", b.String())
}
