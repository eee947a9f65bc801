package scan

import (
	"os"
	"path/filepath"

	"github.com/slotwise/slotcheck/internal/rules"
)

// policyFolders lists the policy folders the loaded configuration files
// name, each once, in the order first met: a folder's path is relative to
// its file, and reports name it as they name files. Their rules join the
// scan's, for every path it scans.
func (c *configs) policyFolders() []rules.Folder {
	var out []rules.Folder
	seen := map[string]bool{}
	for _, cs := range c.order {
		for _, p := range cs.file.Policies {
			abs := p
			if !filepath.IsAbs(abs) {
				abs = filepath.Join(cs.file.Dir, filepath.FromSlash(p))
			}
			abs = filepath.Clean(abs)
			if seen[abs] {
				continue
			}
			seen[abs] = true
			out = append(out, rules.Folder{Name: display(c.opts.WorkDir, abs), FS: os.DirFS(abs)})
		}
	}
	return out
}
