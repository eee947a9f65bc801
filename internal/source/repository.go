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
