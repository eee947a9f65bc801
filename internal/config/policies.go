package config

import (
	"path/filepath"

	"gopkg.in/yaml.v3"
)

// PolicyDirs are the file's policy folders as absolute, cleaned paths,
// each once, in the order written: a relative folder is relative to the
// file, as lint and the webhook both read it.
func (f *File) PolicyDirs() []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range f.Policies {
		abs := p
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(f.Dir, filepath.FromSlash(p))
		}
		abs = filepath.Clean(abs)
		if !seen[abs] {
			seen[abs] = true
			out = append(out, abs)
		}
	}
	return out
}

// PoliciesNode is the node of the file's policies key, or its root mapping
// when it has none: where a problem with its policy folders is placed.
func (f *File) PoliciesNode() *yaml.Node {
	if f.Node == nil {
		return nil
	}
	k, _ := lookup(f.Node, "policies")
	return k
}
