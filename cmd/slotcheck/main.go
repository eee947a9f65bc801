// Command slotcheck lints Kubernetes manifests against the deployment
// standard and reports every finding at its exact line and column.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
)

// Exit codes: the one mapping from outcomes to the process's status.
const (
	exitClean    = 0
	exitFindings = 1
	exitInput    = 2
	exitInternal = 3
)

// streams are the process's standard streams, replaced by buffers in tests.
type streams struct {
	in       io.Reader
	out, err io.Writer
}

// statusError ends a command with a status after the command has already
// said everything it had to say.
type statusError int

func (s statusError) Error() string { return fmt.Sprintf("exit status %d", int(s)) }

// usageError is a mistake in the command line.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

func main() {
	tuneGC()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := execute(ctx, os.Args[1:], streams{in: os.Stdin, out: os.Stdout, err: os.Stderr})
	stop()
	os.Exit(code)
}

// execute runs one command line and maps its outcome to an exit code.
func execute(ctx context.Context, args []string, s streams) int {
	root := newRootCommand(s)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	var status statusError
	var usage usageError
	switch {
	case err == nil:
		return exitClean
	case errors.As(err, &status):
		return int(status)
	case errors.As(err, &usage):
		fmt.Fprintf(s.err, "slotcheck: %v\nRun 'slotcheck --help' for usage.\n", usage.err)
		return exitInput
	default:
		fmt.Fprintf(s.err, "slotcheck: internal error: %v\n", err)
		return exitInternal
	}
}

// gcMemoryLimit is the heap size up to which a scan runs without collecting
// garbage, unless the container it runs in allows less.
const gcMemoryLimit = 3 << 30

// tuneGC lets a scan collect garbage only once its heap nears a limit: 3 GiB,
// or half the memory its container may use if that is less. A scan is a
// short-lived process that loads its input, judges it and exits: the default
// collector would trace the loaded objects again and again (on a
// 10,000-object repository, whose scan peaks under 800 MB, that cost half the
// run), where the memory is given back at exit anyway. A repository too big
// for the limit is still scanned, with the collector running as it must.
// GOGC or GOMEMLIMIT in the environment take precedence.
func tuneGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	limit := int64(gcMemoryLimit)
	if c, ok := containerMemory(os.ReadFile); ok && c/2 < limit {
		limit = c / 2
	}
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(limit)
}

// containerMemory reads the memory limit of the process's cgroup (v2, then
// v1) with read; a missing or unlimited one reads as none.
func containerMemory(read func(string) ([]byte, error)) (int64, bool) {
	for _, path := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := read(path)
		if err != nil {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		if err != nil || n <= 0 || n >= 1<<60 {
			return 0, false
		}
		return n, true
	}
	return 0, false
}
