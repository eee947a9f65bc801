// Command slotcheck-webhook is slotcheck's validating admission webhook: it
// judges Pods and pod controllers with the same compiled policies as the
// CLI and denies what breaks an error rule.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/slotwise/slotcheck/internal/cli"
)

// exitUnhealth is healthcheck's status for a server that is not healthy,
// beside the exit codes of internal/cli.
const exitUnhealth = 1

// streams are the process's standard streams, replaced by buffers in tests.
type streams struct {
	out, err io.Writer
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := execute(ctx, os.Args[1:], streams{out: os.Stdout, err: os.Stderr})
	stop()
	os.Exit(code)
}

func execute(ctx context.Context, args []string, s streams) int {
	root := newRootCommand(s)
	root.SetArgs(args)
	return cli.ExitCode(s.err, "slotcheck-webhook", root.ExecuteContext(ctx))
}

// newRootCommand is the whole command tree: serving is the root command.
func newRootCommand(s streams) *cobra.Command {
	root := newServeCommand(s)
	root.AddCommand(newHealthcheckCommand(s))
	return root
}
