package scan

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/source"
)

// profileSet is the profiles that apply to one scanned path, with their Rego
// values computed once.
type profileSet struct {
	mu     sync.Mutex
	p      *rules.Profiles
	values map[string]ast.Value
}

func (ps *profileSet) value(env string) (ast.Value, error) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if v, ok := ps.values[env]; ok {
		return v, nil
	}
	v, err := ps.p.Value(env)
	if err != nil {
		return nil, err
	}
	ps.values[env] = v
	return v, nil
}

// profilesFor layers the built-in profiles, the scanned repository's own
// environments/ folder (found from the path upwards, stopping at the
// repository root) and opts.ProfilesDir.
func profilesFor(p string, opts Options) (*profileSet, error) {
	prof, err := rules.BuiltinProfiles()
	if err != nil {
		return nil, err
	}
	if p != "-" {
		if dir := findEnvironments(p); dir != "" {
			if _, err := prof.Override(dir); err != nil {
				return nil, err
			}
		}
	}
	if opts.ProfilesDir != "" {
		found, err := prof.Override(opts.ProfilesDir)
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, fmt.Errorf("--profiles %s: no development.yaml, staging.yaml or production.yaml there", opts.ProfilesDir)
		}
	}
	return &profileSet{p: prof, values: map[string]ast.Value{}}, nil
}

// findEnvironments is the nearest environments/ folder from p upwards,
// looked for no higher than the repository root: a folder above it is not
// the repository's to configure.
func findEnvironments(p string) string {
	return source.FindUp(p, func(dir string) string {
		cand := filepath.Join(dir, "environments")
		if info, err := os.Stat(cand); err == nil && info.IsDir() {
			return cand
		}
		return ""
	})
}
