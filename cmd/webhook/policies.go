package main

import (
	"context"

	"github.com/spf13/pflag"

	"github.com/slotwise/slotcheck/internal/cli"
	"github.com/slotwise/slotcheck/internal/rules"
)

// addPolicyFlag adds --policy: custom policy folders judged beside the
// built-in rules, as the CLI's --policy loads them.
func addPolicyFlag(f *pflag.FlagSet, dirs *[]string) {
	f.StringArrayVar(dirs, "policy", nil, "folder of custom Rego rules (k8s.<id>) to judge with beside the built-in ones (repeatable); a policy that does not load stops the webhook from starting (see docs/policies.md)")
}

// newEngine compiles the built-in rules and those of the --policy folders,
// before anything listens: a policy that breaks the contract is an input
// error (exit 2) naming its file and line, and the webhook never reports
// ready with rules it could not load.
func newEngine(ctx context.Context, dirs []string, evaluator []rules.Option) (*rules.Engine, error) {
	return cli.NewEngine(ctx, cli.PolicyFolders(dirs), evaluator...)
}
