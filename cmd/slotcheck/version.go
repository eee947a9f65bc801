package main

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/slotwise/slotcheck/internal/version"
)

type versionOptions struct{}

func newVersionCommand(s streams) *cobra.Command {
	opts := &versionOptions{}
	return &cobra.Command{
		Use:   "version",
		Short: "Print slotcheck's version",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			return runVersion(opts, s)
		},
	}
}

func runVersion(_ *versionOptions, s streams) error {
	_, err := fmt.Fprintf(s.out, "slotcheck %s (%s, %s/%s)\n", version.String(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return err
}
