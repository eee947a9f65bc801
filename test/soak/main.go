// Command soak runs the real slotcheck-webhook binary against envtest's API
// server and sends it AdmissionReviews over TLS on loopback at a fixed rate,
// one in five of them garbage, to show that under load and faults the webhook
// answers every request with a well-formed response, never panics and does
// not leak. It is opt-in (nothing runs it from go test):
//
//	KUBEBUILDER_ASSETS=$(./scripts/envtest-assets) go run ./test/soak -n 100000 -rate 500
//
// Beside latency, answers and RSS it reports what ran beside the reviews, so
// that a stall can be told from a slow webhook: the client's own delay, the
// webhook's collections (GODEBUG=gctrace=1, in its log), its /metrics before
// and after, the client's runtime, and for each second the latency, the
// collections in it and the cores each process and the rest of the machine
// used (seconds.tsv in the soak's folder).
//
// Exit status: 0 when every goal holds, 1 when one does not (a malformed or
// missing response, a panic, the process gone, RSS at the end more than
// -max-rss-growth above RSS after warm-up), 2 for a usage error, 3 when the
// soak itself could not run.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/slotwise/slotcheck/internal/cli"
	"github.com/slotwise/slotcheck/internal/gcpace"
)

// options are the soak's flags.
type options struct {
	n            int
	rate         float64
	inflight     int
	garbageEvery int
	warmup       int
	timeout      time.Duration
	maxRSSGrowth float64
	root         string
	assets       string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.ExitCode(os.Stderr, "soak", run(ctx, os.Args[1:], os.Stdout, os.Stderr))
	stop()
	os.Exit(code)
}

// run parses the flags, starts the control plane and the webhook, soaks it
// and prints the report on out; it fails with StatusError(1) when a goal
// does not hold.
func run(ctx context.Context, args []string, out, errOut io.Writer) error {
	opts, err := parseFlags(args, errOut)
	if err != nil {
		return err
	}
	gen, err := newGenerator(opts.root, opts.garbageEvery)
	if err != nil {
		return err
	}
	target, err := startWebhook(ctx, opts, gen.namespaces(), errOut)
	if err != nil {
		return err
	}
	defer target.stop()
	fmt.Fprintf(errOut, "soak: %d reviews at %.0f/s (at most %d in flight), one in %d garbage; load average %s\n",
		opts.n, opts.rate, opts.inflight, opts.garbageEvery, loadAverage())
	// The client allocates some 20 KB a review and shares the cores with
	// the webhook: paced as Go does by default it collected every second
	// or so, and its collections and their idle workers counted in the
	// latency it measures. It paces its collector as the webhook does.
	stopPacing := gcpace.StartWith(gcpace.Pacing{Floor: gcpace.DefaultFloor})
	defer stopPacing()
	scrapes := &http.Client{Timeout: 10 * time.Second}
	before, beforeErr := readMetrics(scrapes, target.metricsURL, filepath.Join(target.dir, "metrics-start.txt"))
	res := soak(ctx, target, gen, opts)
	after, afterErr := readMetrics(scrapes, target.metricsURL, filepath.Join(target.dir, "metrics-end.txt"))
	res.panicked = target.panicked()
	res.exited = target.exited()
	res.loadEnd = loadAverage()
	res.print(out)
	rt := webhookRuntime{offset: target.started.Sub(res.start), before: before, after: after, scrapeErr: errors.Join(beforeErr, afterErr)}
	if err := printRuntime(out, res, rt, target); err != nil {
		fmt.Fprintf(errOut, "soak: %v\n", err)
	}
	fmt.Fprintf(errOut, "soak: the webhook's log (with its gctrace) is in %s, the figures of each second in %s\n",
		target.logPath, filepath.Join(target.dir, secondsFile))
	if failures := res.failures(opts.maxRSSGrowth); len(failures) > 0 {
		for _, f := range failures {
			fmt.Fprintf(errOut, "soak: FAIL: %s\n", f)
		}
		return cli.StatusError(1)
	}
	return nil
}

func parseFlags(args []string, errOut io.Writer) (options, error) {
	var opts options
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.IntVar(&opts.n, "n", 100000, "reviews to send")
	fs.Float64Var(&opts.rate, "rate", 500, "reviews per second, sent on schedule whether or not earlier ones were answered")
	fs.IntVar(&opts.inflight, "inflight", 512, "most reviews in flight; when reached, sending waits (and the wait counts in the latency)")
	fs.IntVar(&opts.garbageEvery, "garbage-every", 5, "one review in this many is garbage")
	fs.IntVar(&opts.warmup, "warmup", 0, "reviews answered before the warm-up RSS is read (default n/10, at most 10000)")
	fs.DurationVar(&opts.timeout, "timeout", 10*time.Second, "deadline of one review; a review not answered in time counts as malformed")
	fs.Float64Var(&opts.maxRSSGrowth, "max-rss-growth", 0.10, "largest allowed growth of RSS from warm-up to the end, as a fraction")
	fs.StringVar(&opts.root, "root", ".", "the slotcheck checkout: where ./cmd/webhook is built from and testdata/examples read")
	if err := fs.Parse(args); err != nil {
		return opts, cli.UsageError{Err: err}
	}
	switch {
	case fs.NArg() > 0:
		return opts, cli.UsageError{Err: fmt.Errorf("unexpected arguments %q", fs.Args())}
	case opts.n < 1 || opts.rate <= 0 || opts.inflight < 1 || opts.garbageEvery < 1:
		return opts, cli.UsageError{Err: fmt.Errorf("-n, -rate, -inflight and -garbage-every must be positive")}
	}
	if opts.warmup == 0 {
		opts.warmup = min(opts.n/10, 10000)
	}
	opts.warmup = max(1, min(opts.warmup, opts.n))
	opts.assets = os.Getenv("KUBEBUILDER_ASSETS")
	if opts.assets == "" {
		return opts, cli.UsageError{Err: fmt.Errorf("KUBEBUILDER_ASSETS is not set; it names the folder holding kube-apiserver and etcd:\n" +
			"  KUBEBUILDER_ASSETS=$(./scripts/envtest-assets) go run ./test/soak")}
	}
	return opts, nil
}

// loadAverage is the machine's load average, which the report quotes: the
// latency figures mean little without it.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	var one, five, fifteen string
	fmt.Sscan(string(b), &one, &five, &fifteen)
	return one + " " + five + " " + fifteen
}
