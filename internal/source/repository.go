package source

import (
	"os"
	"path/filepath"
)

// RepositoryRoot is the nearest folder from dir upwards that holds .git (a
// folder in a clone, a file in a worktree or submodule); ok is false outside
// any repository. Profiles are looked for up to it and SARIF paths are
// written relative to it.
func RepositoryRoot(dir string) (root string, ok bool) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// FindUp looks in p's folder (p itself when it is one) and then upwards for
// what found finds in a folder, and returns the first it finds, "" when
// none. The search stops at the repository root, as a folder above it is
// not the repository's to configure; outside a repository it goes up to /.
func FindUp(p string, found func(dir string) string) string {
	dir, err := filepath.Abs(p)
	if err != nil {
		return ""
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		dir = filepath.Dir(dir)
	}
	root, _ := RepositoryRoot(dir)
	for {
		if f := found(dir); f != "" {
			return f
		}
		parent := filepath.Dir(dir)
		if dir == root || parent == dir {
			return ""
		}
		dir = parent
	}
}
