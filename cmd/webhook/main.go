// Command slotcheck-webhook is slotcheck's validating admission webhook: it
// judges Pods and pod controllers with the same compiled policies as the
// CLI and denies what breaks an error rule.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes: the one mapping from outcomes to the process's status.
const (
	exitOK       = 0
	exitUnhealth = 1
	exitUsage    = 2
	exitInternal = 3
)

// streams are the process's standard streams, replaced by buffers in tests.
type streams struct {
	out, err io.Writer
}

// statusError ends a command with a status after it has said what it had to.
type statusError int

func (s statusError) Error() string { return fmt.Sprintf("exit status %d", int(s)) }

// usageError is a mistake in the command line.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := execute(ctx, os.Args[1:], streams{out: os.Stdout, err: os.Stderr})
	stop()
	os.Exit(code)
}

func execute(ctx context.Context, args []string, s streams) int {
	root := newServeCommand(s)
	root.AddCommand(newHealthcheckCommand(s))
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	var status statusError
	var usage usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &status):
		return int(status)
	case errors.As(err, &usage):
		fmt.Fprintf(s.err, "slotcheck-webhook: %v\nRun 'slotcheck-webhook --help' for usage.\n", usage.err)
		return exitUsage
	default:
		fmt.Fprintf(s.err, "slotcheck-webhook: %v\n", err)
		return exitInternal
	}
}
