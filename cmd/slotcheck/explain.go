package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/slotwise/slotcheck/internal/cli"
	"github.com/slotwise/slotcheck/internal/report"
)

type explainOptions struct {
	policies []string
}

func newExplainCommand(s streams) *cobra.Command {
	opts := &explainOptions{}
	cmd := &cobra.Command{
		Use:   "explain ID",
		Short: "Explain one rule: why it exists and how to fix a finding",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return cli.UsageError{Err: fmt.Errorf("explain takes one rule id, e.g. slotcheck explain SEC001")}
			}
			return nil
		},
		ValidArgsFunction: func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
			engine, err := cli.NewEngine(cmd.Context(), cli.PolicyFolders(opts.policies))
			if err != nil {
				return nil, cobra.ShellCompDirectiveError
			}
			var ids []string
			for _, r := range engine.Rules() {
				ids = append(ids, r.ID+"\t"+r.Title)
			}
			return ids, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExplain(cmd.Context(), opts, args[0], s)
		},
	}
	addPolicyFlag(cmd.Flags(), &opts.policies)
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return cli.UsageError{Err: err} })
	return cmd
}

func runExplain(ctx context.Context, opts *explainOptions, id string, s streams) error {
	engine, err := cli.NewEngine(ctx, cli.PolicyFolders(opts.policies))
	if err != nil {
		return err
	}
	r, ok := engine.Rule(id)
	if !ok {
		return cli.UsageError{Err: fmt.Errorf("no rule %q: 'slotcheck rules' lists them", id)}
	}
	return report.Explain(s.out, r)
}
