package main

import (
	"github.com/spf13/cobra"

	"github.com/slotwise/slotcheck/internal/cli"
	"github.com/slotwise/slotcheck/internal/version"
)

func newRootCommand(s streams) *cobra.Command {
	lint := newLintCommand(s)
	root := &cobra.Command{
		Use:   "slotcheck [PATH...]",
		Short: "Lint Kubernetes manifests against the deployment standard",
		Long: `slotcheck checks Kubernetes manifests against the deployment standard and
reports every finding at the exact line and column of the offending field.

With no command, slotcheck lints: 'slotcheck ./k8s' is 'slotcheck lint ./k8s'.`,
		Version:       version.String(),
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          lint.Args,
		RunE:          lint.RunE,
	}
	root.Flags().AddFlagSet(lint.Flags())
	root.SetIn(s.in)
	root.SetOut(s.out)
	root.SetErr(s.err)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return cli.UsageError{Err: err} })
	root.AddCommand(lint, newAuditCommand(s), newRulesCommand(s), newExplainCommand(s), newPolicyCommand(s), newVersionCommand(s))
	return root
}
