package main

import (
	"context"
	"sync"

	"github.com/spf13/pflag"

	"github.com/slotwise/slotcheck/internal/cli"
	"github.com/slotwise/slotcheck/internal/rules"
)

// addPolicyFlag adds --policy, the custom policy folders a command's
// engine loads beside the built-in rules.
func addPolicyFlag(f *pflag.FlagSet, dirs *[]string) {
	f.StringArrayVar(dirs, "policy", nil, "folder of custom Rego rules (k8s.<id>, dockerfile.<id>) to load beside the built-in ones (repeatable; see docs/policies.md)")
}

// compileWhileLoading compiles the policies of --policy while a scan loads
// its files (each takes a core), and returns what the scan asks the engine
// of: the first call waits for it, or, when the configuration files name
// policy folders of their own, compiles again with those added. Later
// calls return the same engine.
func compileWhileLoading(ctx context.Context, given []rules.Folder, evaluator []rules.Option) func([]rules.Folder) (*rules.Engine, error) {
	type compiled struct {
		engine *rules.Engine
		err    error
	}
	done := make(chan compiled, 1)
	go func() {
		e, err := cli.NewEngine(ctx, given, evaluator...)
		done <- compiled{e, err}
	}()
	var once sync.Once
	var result compiled
	return func(configured []rules.Folder) (*rules.Engine, error) {
		once.Do(func() {
			if extra := newFolders(given, configured); len(extra) > 0 {
				result.engine, result.err = cli.NewEngine(ctx, append(given[:len(given):len(given)], extra...), evaluator...)
				return
			}
			result = <-done
		})
		return result.engine, result.err
	}
}

// newFolders is the folders of configured that given does not name.
func newFolders(given, configured []rules.Folder) []rules.Folder {
	var out []rules.Folder
	for _, c := range configured {
		known := false
		for _, g := range given {
			known = known || g.Name == c.Name
		}
		if !known {
			out = append(out, c)
		}
	}
	return out
}
