// Command slotcheck lints Kubernetes manifests against the deployment
// standard and reports every finding at its exact line and column.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/slotwise/slotcheck/internal/cli"
)

// Exit codes beside those of internal/cli: blocking findings, and an input
// error (a malformed file), which shares the code of a usage error.
const (
	exitFindings = 1
	exitInput    = cli.ExitUsage
)

// streams are the process's standard streams, replaced by buffers in tests.
type streams struct {
	in       io.Reader
	out, err io.Writer
}

func main() {
	if holdsItsInput(os.Args[1:]) {
		tuneGC()
	} else {
		boundAudit()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := execute(ctx, os.Args[1:], streams{in: os.Stdin, out: os.Stdout, err: os.Stderr})
	stop()
	os.Exit(code)
}

// execute runs one command line and maps its outcome to an exit code.
func execute(ctx context.Context, args []string, s streams) int {
	root := newRootCommand(s)
	root.SetArgs(args)
	return cli.ExitCode(s.err, "slotcheck", root.ExecuteContext(ctx))
}

// holdsItsInput reports whether a command line runs a scan, which tuneGC
// paces, rather than an audit, which boundAudit keeps under a soft limit
// (gcpace.StartAudit says why they differ).
func holdsItsInput(args []string) bool {
	cmd, _, err := newRootCommand(streams{in: os.Stdin, out: io.Discard, err: io.Discard}).Find(args)
	return err != nil || cmd.Name() != "audit"
}
