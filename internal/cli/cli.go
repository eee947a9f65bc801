// Package cli is what slotcheck's two commands share at their edge: the
// errors that end a command with a status, and the one mapping from a
// command's outcome to the process's exit code.
package cli

import (
	"errors"
	"fmt"
	"io"
)

// Exit codes every command shares; a command adds its own below ExitUsage
// (slotcheck's 1 for blocking findings, the webhook's 1 for unhealthy).
const (
	ExitOK       = 0
	ExitUsage    = 2
	ExitInternal = 3
)

// StatusError ends a command with a status after the command has already
// said everything it had to say.
type StatusError int

func (s StatusError) Error() string { return fmt.Sprintf("exit status %d", int(s)) }

// UsageError is a mistake in the command line.
type UsageError struct{ Err error }

func (u UsageError) Error() string { return u.Err.Error() }
func (u UsageError) Unwrap() error { return u.Err }

// ExitCode maps a command's outcome to an exit code, telling w what went
// wrong under the command's name.
func ExitCode(w io.Writer, name string, err error) int {
	var status StatusError
	var usage UsageError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &status):
		return int(status)
	case errors.As(err, &usage):
		fmt.Fprintf(w, "%s: %v\nRun '%s --help' for usage.\n", name, usage.Err, name)
		return ExitUsage
	default:
		fmt.Fprintf(w, "%s: internal error: %v\n", name, err)
		return ExitInternal
	}
}
