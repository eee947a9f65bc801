// Package audit judges what already runs in a cluster: it lists the
// workloads and the kinds the rules read through the API server, in pages,
// one namespace at a time, so that memory follows the largest namespace
// rather than the cluster, and judges each workload on the same engine and
// judgement path as lint and the webhook.
package audit

import (
	"context"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
)

// DefaultChunkSize is how many objects one LIST page holds by default, as
// kubectl pages.
const DefaultChunkSize = 500

// Options says what to audit and how.
type Options struct {
	// Namespace limits the audit to one namespace; empty audits them all.
	Namespace string
	// ChunkSize is how many objects one LIST page holds (DefaultChunkSize
	// when 0).
	ChunkSize int64
	// Profiles hold each environment's profile.
	Profiles *rules.Profiles
	// Parallelism bounds concurrent evaluations; 0 means GOMAXPROCS.
	Parallelism int
	// Progress, when set, hears after each namespace how many of how many
	// are audited.
	Progress func(done, total int)
	// Now is when the audit runs, which exemption annotations expire by;
	// zero means the clock's time.
	Now time.Time
	// Configuration is the configuration file applied to the findings,
	// as lint and the webhook apply it; nil for none.
	Configuration *scan.Configuration
	// IgnoreAnnotations makes exemption annotations suppress nothing, so
	// that only the configuration's exemptions count (the webhook's
	// --exemptions=config).
	IgnoreAnnotations bool
}

// Cluster is the API an audit reads.
type Cluster struct {
	Dynamic   dynamic.Interface
	Discovery discovery.DiscoveryInterface
}

// Run audits the cluster with engine's admission rules. What could not be
// read is an error of its kind in the report, and everything else is still
// audited; only an internal error (an engine failure, a cancelled context)
// stops it.
func Run(ctx context.Context, engine *rules.Engine, c Cluster, opts Options) (*scan.Report, error) {
	a, namespaces, err := begin(ctx, engine, c, opts)
	if err != nil {
		return nil, err
	}
	if err := a.clusterInventory(ctx); err != nil {
		return nil, err
	}
	if err := a.namespaces(ctx, namespaces, nil); err != nil {
		return nil, err
	}
	if err := a.judgeConfiguration(ctx); err != nil {
		return nil, err
	}
	return a.report(len(namespaces)), nil
}

// begin is what the whole audit and a session start with: an auditor of
// the kinds the cluster serves, and the namespaces to judge.
func begin(ctx context.Context, engine *rules.Engine, c Cluster, opts Options) (*auditor, []namespace, error) {
	if opts.ChunkSize <= 0 {
		opts.ChunkSize = DefaultChunkSize
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	a, err := newAuditor(engine, c, opts)
	if err != nil {
		return nil, nil, err
	}
	a.setKinds(resolve(c.Discovery, wanted(engine, configuredWorkloads(opts.Configuration)), a.failures.add))
	namespaces := a.listNamespaces(ctx)
	// A cancelled audit stops rather than reporting what it could not read.
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return a, namespaces, nil
}

// namespaces reads and judges the namespaces one after the other, in the
// order the API server lists objects in, reading the next while the one
// before is judged: an audit waits on the API server as much as on the
// engine, and each overlaps the other. Memory holds two namespaces and a
// page or two of each kind at most. Each kind is listed once for all the
// namespaces (see stream), whether the whole audit or a session judges
// them. judged, unless nil, hears of each namespace once it is judged,
// before the next is, and its error stops the audit.
func (a *auditor) namespaces(ctx context.Context, namespaces []namespace, judged func(namespace string) error) error {
	slices.SortFunc(namespaces, func(x, y namespace) int { return strings.Compare(key(x.name, ""), key(y.name, "")) })
	batches := make(chan *batch)
	g, gctx := errgroup.WithContext(ctx)
	streams := map[string]*stream{}
	for _, k := range slices.Concat(a.namespaceReads, a.judged) {
		streams[k.String()] = a.openStream(gctx, k, a.opts.Namespace)
	}
	g.Go(func() error {
		defer close(batches)
		for _, ns := range namespaces {
			b, err := a.collect(gctx, ns, streams)
			if err != nil {
				return err
			}
			select {
			case batches <- b:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	})
	g.Go(func() error {
		done := 0
		for b := range batches {
			if err := a.judge(gctx, b); err != nil {
				return err
			}
			if judged != nil {
				if err := judged(b.namespace); err != nil {
					return err
				}
			}
			done++
			if a.opts.Progress != nil {
				a.opts.Progress(done, len(namespaces))
			}
		}
		return nil
	})
	return g.Wait()
}
