// Command slotcheck lints Kubernetes manifests against the deployment
// standard and reports every finding at its exact line and column.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/slotwise/slotcheck/internal/cli"
	"github.com/slotwise/slotcheck/internal/gcpace"
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
// paces, rather than an audit, which boundAudit keeps under a soft limit:
// an audit keeps only one namespace's objects at a time, and collecting
// their garbage as it goes is what keeps its memory bounded by the largest
// namespace rather than growing with the cluster.
func holdsItsInput(args []string) bool {
	cmd, _, err := newRootCommand(streams{in: os.Stdin, out: io.Discard, err: io.Discard}).Find(args)
	return err != nil || cmd.Name() != "audit"
}

// auditMemoryLimit is the heap an audit keeps under, unless its container
// allows less: a cluster's objects pass through it a namespace at a time,
// and what stays is their findings.
const auditMemoryLimit = 200 << 20

// boundAudit asks the collector to keep an audit's memory under
// auditMemoryLimit (or half its container's memory, if less), collecting
// more often as it nears it, rather than letting the heap double past
// what it holds as the collector does by default: an audit of 10,000
// objects and 165,000 findings peaked at 394 MiB without the limit and at
// 262 MiB with it (docs/performance.md). The limit is soft: an audit whose
// findings need more still completes, with the collector working harder. GOGC or GOMEMLIMIT
// in the environment take precedence.
func boundAudit() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	limit := int64(auditMemoryLimit)
	if c, ok := gcpace.ContainerMemory(os.ReadFile); ok && c/2 < limit {
		limit = c / 2
	}
	debug.SetMemoryLimit(limit)
}
