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
	return source.FindUp(p, func(dir string) string {
		for _, name := range names {
			cand := filepath.Join(dir, name)
			if info, err := os.Stat(cand); err == nil && !info.IsDir() {
				return cand
			}
		}
		return ""
	})
}
