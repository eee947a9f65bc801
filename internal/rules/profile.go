package rules

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/open-policy-agent/opa/v1/ast"
	"gopkg.in/yaml.v3"
)

//go:embed profiles/*.yaml
var builtinProfiles embed.FS

// Profiles holds each environment's profile in the deployment standard's
// format (environments/<env>.yaml): replicas, resources, autoscaling.
type Profiles struct {
	values map[string]map[string]any
}

// BuiltinProfiles returns the standard's own environment profiles.
func BuiltinProfiles() (*Profiles, error) {
	p := &Profiles{values: map[string]map[string]any{}}
	for _, env := range Environments() {
		src, err := builtinProfiles.ReadFile("profiles/" + env + ".yaml")
		if err != nil {
			return nil, fmt.Errorf("built-in profile %s: %w", env, err)
		}
		m, err := parseProfile("profiles/"+env+".yaml", src)
		if err != nil {
			return nil, err
		}
		p.values[env] = m
	}
	return p, nil
}

// Override merges dir/<env>.yaml for every environment that has one over the
// current values: a repository that only sets replicas keeps the standard's
// resources. It reports whether any file was found.
func (p *Profiles) Override(dir string) (bool, error) {
	found := false
	for _, env := range Environments() {
		file := filepath.Join(dir, env+".yaml")
		src, err := os.ReadFile(file)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return found, fmt.Errorf("read profile %s: %w", file, err)
		}
		m, err := parseProfile(file, src)
		if err != nil {
			return found, err
		}
		if e, ok := m["environment"].(string); ok && e != env {
			return found, fmt.Errorf("profile %s: environment is %q, want %q", file, e, env)
		}
		p.values[env] = merge(p.values[env], m)
		found = true
	}
	return found, nil
}

// Value returns the environment's profile as a Rego value.
func (p *Profiles) Value(env string) (ast.Value, error) {
	m, ok := p.values[env]
	if !ok {
		return nil, fmt.Errorf("no profile for environment %q", env)
	}
	return ast.InterfaceToValue(m)
}

func parseProfile(name string, src []byte) (map[string]any, error) {
	var m map[string]any
	if err := yaml.Unmarshal(src, &m); err != nil {
		return nil, fmt.Errorf("parse profile %s: %w", name, err)
	}
	if m == nil {
		return nil, fmt.Errorf("parse profile %s: empty document", name)
	}
	return m, nil
}

// merge returns base with over laid on top, nested maps merged key by key.
func merge(base, over map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(over))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		if bm, ok := out[k].(map[string]any); ok {
			if om, ok := v.(map[string]any); ok {
				out[k] = merge(bm, om)
				continue
			}
		}
		out[k] = v
	}
	return out
}
