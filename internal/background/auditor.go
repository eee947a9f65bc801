// Package background is the webhook's background audit: on one replica at
// a time (it runs only on the leader), it judges what already runs in the
// cluster on the same path as slotcheck audit (each kind listed once for
// the whole cluster, judged namespace by namespace), publishes one
// OpenReports Report per namespace and sets Prometheus
// gauges of what it found.
package background

import (
	"context"
	"fmt"
	"time"

	"github.com/go-logr/logr"

	"github.com/slotwise/slotcheck/internal/audit"
	"github.com/slotwise/slotcheck/internal/openreport"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
)

// DefaultParallelism is how many objects the background audit judges at
// once: one, so that on a replica that also answers admission requests it
// takes at most one core from them, whatever GOMAXPROCS is.
const DefaultParallelism = 1

// Auditor audits the cluster every Interval, as a controller-runtime
// Runnable that needs the leader's lease.
type Auditor struct {
	// Engine and Profiles judge as the webhook does.
	Engine   *rules.Engine
	Profiles *rules.Profiles
	// Cluster is what the audit lists, through a client of its own.
	Cluster audit.Cluster
	// Publisher writes the Reports.
	Publisher *openreport.Publisher
	// Metrics are set after each completed audit.
	Metrics *Metrics
	// Log hears each audit's outcome and what it could not read or write.
	Log logr.Logger
	// Interval is the time from the end of one audit to the start of the
	// next: a slow audit is never run twice at once.
	Interval time.Duration
	// Excluded are namespaces never judged, as the webhook's
	// --excluded-namespaces; their Reports, if any, are deleted.
	Excluded []string
	// ChunkSize is how many objects one LIST page holds.
	ChunkSize int64
	// Parallelism bounds concurrent evaluations (DefaultParallelism when 0).
	Parallelism int
	// Limits keep each Report under etcd's object size limit.
	Limits openreport.Limits
	// Configuration is the webhook's configuration file in force, read
	// once a pass so that a pass judges with one whole file, as a review
	// does; nil, or nil returned, for none.
	Configuration func() *scan.Configuration
	// IgnoreAnnotations makes exemption annotations suppress nothing, as
	// admission does with --exemptions=config.
	IgnoreAnnotations bool
}

// NeedLeaderElection makes the manager start the audit only on the replica
// holding the lease, while the webhook server runs on every replica.
func (a *Auditor) NeedLeaderElection() bool { return true }

// Start audits at once, then every Interval, until ctx ends. A failed
// audit is logged and counted and the next one is tried on time: the
// webhook it runs beside must keep serving.
func (a *Auditor) Start(ctx context.Context) error {
	if a.Interval <= 0 {
		return fmt.Errorf("background audit: interval %s: want a positive duration", a.Interval)
	}
	for {
		if _, err := a.Pass(ctx); err != nil && ctx.Err() == nil {
			a.Log.Error(err, "background audit failed")
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(a.Interval):
		}
	}
}
