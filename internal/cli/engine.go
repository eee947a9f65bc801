package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/policies"
)

// PolicyFolders turns the folders given with --policy into the engine's
// custom policy folders, each named as given (forward slashes) and each
// once.
func PolicyFolders(dirs []string) []rules.Folder {
	var out []rules.Folder
	seen := map[string]bool{}
	for _, d := range dirs {
		name := filepath.ToSlash(filepath.Clean(d))
		if seen[name] {
			continue
		}
		seen[name] = true
		out = append(out, rules.Folder{Name: name, FS: os.DirFS(d)})
	}
	return out
}

// NewEngine builds the engine both commands judge with: slotcheck's
// built-in rules and those of the custom policy folders, under one
// contract. A problem in the policies (each at its file and line) is an
// input error, exit status 2; opts choose the evaluator.
func NewEngine(ctx context.Context, folders []rules.Folder, opts ...rules.Option) (*rules.Engine, error) {
	if len(folders) > 0 {
		opts = append(opts[:len(opts):len(opts)], rules.WithPolicies(folders...))
	}
	e, err := rules.New(ctx, policies.FS(), opts...)
	var pe *rules.PolicyError
	if len(folders) > 0 && errors.As(err, &pe) {
		return nil, UsageError{Err: err}
	}
	return e, err
}
