package scan

import (
	"os"

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
		for _, abs := range cs.file.PolicyDirs() {
			if seen[abs] {
				continue
			}
			seen[abs] = true
			out = append(out, rules.Folder{Name: display(c.opts.WorkDir, abs), FS: os.DirFS(abs)})
		}
	}
	return out
}
