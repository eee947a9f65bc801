package main

import (
	"fmt"
	"time"

	"github.com/go-logr/logr"
	openreportsv1alpha1 "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/slotwise/slotcheck/internal/admission"
	"github.com/slotwise/slotcheck/internal/audit"
	"github.com/slotwise/slotcheck/internal/background"
	"github.com/slotwise/slotcheck/internal/cli"
	"github.com/slotwise/slotcheck/internal/openreport"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/version"
)

// backgroundOptions are the flags of the background audit and of the
// leader election that keeps it to one replica.
type backgroundOptions struct {
	interval                time.Duration
	leaderElect             bool
	leaderElectionNamespace string
	leaderElectionID        string
}

// The background audit's client-side rate limits: a fifth of slotcheck
// audit's, since it runs beside admission for the life of the webhook and
// nobody waits for it.
const (
	backgroundQPS   = 10
	backgroundBurst = 20
)

func addBackgroundFlags(f *pflag.FlagSet, opts *backgroundOptions) {
	// Off by default: the audit needs the OpenReports CRDs and RBAC the
	// webhook's own does not, which the chart grants with its audit on.
	f.DurationVar(&opts.interval, "audit-interval", 0, "time between the end of one background audit of the cluster and the start of the next, which publishes OpenReports Reports and metrics (0 turns it off)")
	f.BoolVar(&opts.leaderElect, "leader-elect", false, "run the background audit on one replica at a time, the holder of a coordination.k8s.io Lease (the webhook serves on every replica)")
	f.StringVar(&opts.leaderElectionNamespace, "leader-election-namespace", "", "namespace of the leader election Lease (default: the pod's namespace)")
	f.StringVar(&opts.leaderElectionID, "leader-election-id", "slotcheck-webhook-audit", "name of the leader election Lease")
}

// leaderElection sets the manager's leader election from the flags: only
// with the audit on, since nothing else needs a leader.
func (o backgroundOptions) leaderElection(m manager.Options) (manager.Options, error) {
	if o.interval < 0 {
		return m, cli.UsageError{Err: fmt.Errorf("--audit-interval %s: want 0 (off) or a positive duration", o.interval)}
	}
	if o.interval == 0 || !o.leaderElect {
		return m, nil
	}
	m.LeaderElection = true
	m.LeaderElectionID = o.leaderElectionID
	m.LeaderElectionNamespace = o.leaderElectionNamespace
	// A replica shutting down hands the lease over at once instead of
	// leaving the audit to wait out its duration.
	m.LeaderElectionReleaseOnCancel = true
	return m, nil
}

// addBackgroundAudit adds the background audit to the manager when
// --audit-interval is set. It reads the cluster with paginated LISTs of
// its own client, as slotcheck audit does, not from the manager's informer
// caches: those hold only the few kinds admission reads (not the
// workloads, which would cost the webhook the memory of every Pod), and
// converting them for the audit would read under the cache's lock that
// every admission request takes. Reports are written by a client without a
// cache, so no informer holds them either.
//
// It judges with the configuration file the reviews read (conf, nil
// without --config), taken anew each pass, and with their exemption mode,
// so that its reports say what admission decides.
func addBackgroundAudit(mgr manager.Manager, cfg *rest.Config, engine *rules.Engine, profiles *rules.Profiles, excluded []string, conf *admission.ConfigSource, exemptions admission.ExemptionMode, opts backgroundOptions, log logr.Logger) error {
	if opts.interval == 0 {
		return nil
	}
	cfg = rest.CopyConfig(cfg)
	cfg.QPS, cfg.Burst = backgroundQPS, backgroundBurst
	cfg.UserAgent = "slotcheck-webhook-audit/" + version.String()
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("background audit: %w", err)
	}
	disc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return fmt.Errorf("background audit: %w", err)
	}
	scheme := runtime.NewScheme()
	if err := openreportsv1alpha1.Install(scheme); err != nil {
		return fmt.Errorf("background audit: %w", err)
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return fmt.Errorf("background audit: %w", err)
	}
	metrics := background.NewMetrics(ctrlmetrics.Registry)
	return mgr.Add(&background.Auditor{
		Engine:    engine,
		Profiles:  profiles,
		Cluster:   audit.Cluster{Dynamic: dyn, Discovery: disc},
		Publisher: &openreport.Publisher{Client: c},
		Metrics:   metrics,
		Log:       log.WithName("audit"),
		Interval:  opts.interval,
		Excluded:  excluded,
		// A method value of a nil source is still callable: it says none.
		Configuration:     conf.Current,
		IgnoreAnnotations: exemptions == admission.ExemptionsConfig,
	})
}
