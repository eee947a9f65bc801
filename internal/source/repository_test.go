package source

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestRepositoryRoot(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"clone/.git/HEAD":           "ref: refs/heads/main\n",
		"clone/deploy/app/a.yaml":   "",
		"clone/sub/.git":            "gitdir: ../.git/modules/sub\n",
		"clone/sub/charts/x/c.yaml": "",
		"plain/deploy/b.yaml":       "",
	})
	tests := []struct {
		name   string
		from   string
		want   string // relative to dir
		inside bool   // false: no repository within dir
	}{
		{name: "the root itself", from: "clone", want: "clone", inside: true},
		{name: "a folder below", from: "clone/deploy/app", want: "clone", inside: true},
		{name: ".git file of a submodule", from: "clone/sub/charts/x", want: "clone/sub", inside: true},
		{name: "outside a repository", from: "plain/deploy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, ok := RepositoryRoot(filepath.Join(dir, filepath.FromSlash(tt.from)))
			if !tt.inside {
				// A repository may hold the temporary folder itself; none
				// may be found below it.
				if ok && strings.HasPrefix(root, dir) {
					t.Errorf("RepositoryRoot = %q, want none within %s", root, dir)
				}
				return
			}
			if want := filepath.Join(dir, filepath.FromSlash(tt.want)); !ok || root != want {
				t.Errorf("RepositoryRoot = %q, %v; want %q", root, ok, want)
			}
		})
	}
}
