package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/slotwise/slotcheck/internal/cli"
	"github.com/slotwise/slotcheck/internal/report"
	"github.com/slotwise/slotcheck/internal/rules"
)

type rulesOptions struct {
	format   string
	output   string
	policies []string
}

func newRulesCommand(s streams) *cobra.Command {
	opts := &rulesOptions{}
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the rules (--format markdown writes the rule reference)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runRules(cmd.Context(), opts, s)
		},
	}
	cmd.Flags().StringVarP(&opts.format, "format", "f", "text", "text, json or markdown")
	cmd.Flags().StringVarP(&opts.output, "output", "o", "", "write to this file instead of standard output")
	addPolicyFlag(cmd.Flags(), &opts.policies)
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json", "markdown"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return cli.UsageError{Err: err} })
	return cmd
}

func runRules(ctx context.Context, opts *rulesOptions, s streams) error {
	write := map[string]func(w io.Writer, rs []*rules.Rule) error{
		"text":     func(w io.Writer, rs []*rules.Rule) error { return report.RulesTable(w, rs) },
		"json":     func(w io.Writer, rs []*rules.Rule) error { return report.RulesJSON(w, rs) },
		"markdown": func(w io.Writer, rs []*rules.Rule) error { return report.RulesMarkdown(w, rs) },
	}[opts.format]
	if write == nil {
		return cli.UsageError{Err: fmt.Errorf("--format %q: want text, json or markdown", opts.format)}
	}
	engine, err := cli.NewEngine(ctx, cli.PolicyFolders(opts.policies))
	if err != nil {
		return err
	}
	if opts.output == "" {
		return write(s.out, engine.Rules())
	}
	f, err := os.Create(opts.output)
	if err != nil {
		return cli.UsageError{Err: fmt.Errorf("--output: %w", err)}
	}
	if err := write(f, engine.Rules()); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", opts.output, err)
	}
	return f.Close()
}

// noArgs rejects positional arguments as a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return cli.UsageError{Err: fmt.Errorf("%s takes no arguments, got %q", cmd.Name(), args)}
	}
	return nil
}
