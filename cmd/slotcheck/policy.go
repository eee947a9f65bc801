package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/slotwise/slotcheck/internal/cli"
	"github.com/slotwise/slotcheck/internal/policytest"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/policies"
)

type policyTestOptions struct {
	verbose bool
}

func newPolicyCommand(s streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Work with custom policy folders (see docs/policies.md)",
		Args:  noArgs,
	}
	cmd.AddCommand(newPolicyTestCommand(s))
	return cmd
}

func newPolicyTestCommand(s streams) *cobra.Command {
	opts := &policyTestOptions{}
	cmd := &cobra.Command{
		Use:   "test DIR...",
		Short: "Run the Rego tests of custom policy folders",
		Long: `Run the _test.rego files of custom policy folders with OPA's tester, beside
the built-in rules and helpers (data.lib.k8s, data.lib.dockerfile), and report
as opa test does. Every rule is held to the built-in rules' contract: valid
METADATA, and at least one test_allow_ and one test_deny_ test.
Exit status: 0 every test passed, 1 a test failed or a rule lacks a test,
2 a policy or test that does not load, 3 internal error.`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cli.UsageError{Err: errors.New("no policy folder to test: give one or more, e.g. slotcheck policy test policies/")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPolicyTest(cmd.Context(), opts, args, s)
		},
	}
	cmd.Flags().BoolVarP(&opts.verbose, "verbose", "v", false, "report every test, not only the failures")
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return cli.UsageError{Err: err} })
	return cmd
}

func runPolicyTest(ctx context.Context, opts *policyTestOptions, dirs []string, s streams) error {
	passed, err := policytest.Run(ctx, policytest.Options{
		Builtin: policies.FS(),
		Folders: cli.PolicyFolders(dirs),
		Verbose: opts.verbose,
		Out:     s.out,
	})
	var pe *rules.PolicyError
	if errors.As(err, &pe) {
		return cli.UsageError{Err: err}
	}
	if err != nil {
		return fmt.Errorf("policy test: %w", err)
	}
	if !passed {
		return cli.StatusError(exitFindings)
	}
	return nil
}
