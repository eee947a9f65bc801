package config

import (
	"os"
	"path/filepath"

	"github.com/slotwise/slotcheck/internal/source"
)

// Find is the configuration file that applies to a scanned path: the
// nearest .slotcheck.yaml (or .slotcheck.yml) from the path's folder
// upwards, looked for no higher than the repository root, as a folder above
// it is not the repository's to configure. "" when there is none.
func Find(p string) string {
	dir, err := filepath.Abs(p)
	if err != nil {
		return ""
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		dir = filepath.Dir(dir)
	}
	// Outside a repository the root is "" and the search goes up to /.
	root, _ := source.RepositoryRoot(dir)
	for {
		for _, name := range names {
			cand := filepath.Join(dir, name)
			if info, err := os.Stat(cand); err == nil && !info.IsDir() {
				return cand
			}
		}
		parent := filepath.Dir(dir)
		if dir == root || parent == dir {
			return ""
		}
		dir = parent
	}
}
