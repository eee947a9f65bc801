package scan

import (
	"os"
	"path/filepath"
	"testing"
)

// TestFindEnvironments pins where a scanned path's own profiles are looked
// for: from the path upwards, up to and including the repository root.
func TestFindEnvironments(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{
		"environments", "repo/.git", "repo/deploy/app", "repo/sub/environments", "repo/sub/app",
		"loose/environments", "loose/deploy/app",
	} {
		if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(d)), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "repo/sub/app/a.yaml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		path string
		want string // relative to dir; empty means none
	}{
		{name: "nearest above a file", path: "repo/sub/app/a.yaml", want: "repo/sub/environments"},
		{name: "nearest above a folder", path: "repo/sub/app", want: "repo/sub/environments"},
		{name: "the folder scanned holds it", path: "repo/sub", want: "repo/sub/environments"},
		{name: "not above the repository root", path: "repo/deploy/app", want: ""},
		{name: "outside a repository, any folder above", path: "loose/deploy/app", want: "loose/environments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := ""
			if tt.want != "" {
				want = filepath.Join(dir, filepath.FromSlash(tt.want))
			}
			if got := findEnvironments(filepath.Join(dir, filepath.FromSlash(tt.path))); got != want {
				t.Errorf("findEnvironments = %q, want %q", got, want)
			}
		})
	}
}
