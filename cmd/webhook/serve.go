package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/certwatcher"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/webhook"

	"github.com/slotwise/slotcheck/internal/admission"
	"github.com/slotwise/slotcheck/internal/cli"
	"github.com/slotwise/slotcheck/internal/gcpace"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/version"
)

// ValidatePath is where the webhook serves AdmissionReviews.
const ValidatePath = "/validate"

type serveOptions struct {
	certDir            string
	port               int
	healthAddr         string
	metricsAddr        string
	kubeconfig         string
	mode               string
	excludedNamespaces []string
	denyCrossObject    bool
	failOpen           bool
	timeout            time.Duration
	runAs              string
	policies           []string
	config             string
	exemptions         string
	background         backgroundOptions
}

func newServeCommand(s streams) *cobra.Command {
	opts := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "slotcheck-webhook",
		Short: "Validating admission webhook that enforces the deployment standard",
		Long: `slotcheck-webhook serves AdmissionReviews over TLS on ` + ValidatePath + ` and judges
Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs and CronJobs with
slotcheck's rules: error findings deny, warnings come back to kubectl.`,
		Version:       version.String(),
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd.Context(), opts, s)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.certDir, "cert-dir", "/tmp/k8s-webhook-server/serving-certs", "folder holding tls.crt and tls.key (reloaded when they change)")
	f.IntVar(&opts.port, "port", 9443, "HTTPS port of the webhook")
	f.StringVar(&opts.healthAddr, "health-probe-bind-address", ":8081", "address of the probes: /health and /healthz (liveness), /ready and /readyz (readiness)")
	f.StringVar(&opts.metricsAddr, "metrics-bind-address", ":8080", "address of /metrics (Prometheus); 0 turns it off")
	f.StringVar(&opts.kubeconfig, "kubeconfig", "", "kubeconfig file; in-cluster configuration when empty")
	f.StringVar(&opts.mode, "mode", "enforce", "enforce, warn or audit; a namespace label "+admission.ModeLabel+" overrides it")
	f.StringSliceVar(&opts.excludedNamespaces, "excluded-namespaces", []string{"kube-system", "kube-node-lease"}, "namespaces never judged (the webhook's own namespace is always added)")
	f.BoolVar(&opts.denyCrossObject, "deny-cross-object", false, "let the rules that read other objects of the cluster deny instead of warn (slotcheck explain <ID> says whether a rule does)")
	f.BoolVar(&opts.failOpen, "fail-open", false, "allow, with a warning, objects the policies cannot evaluate (default: deny)")
	f.DurationVar(&opts.timeout, "timeout", 8*time.Second, "deadline of one judgement; keep it below the webhook's timeoutSeconds")
	f.StringVar(&opts.runAs, "run-as", "65532:65532", "UID:GID to drop to when started as root, after reading the kubeconfig; --cert-dir must be readable by it")
	addPolicyFlag(f, &opts.policies)
	f.StringVar(&opts.config, "config", "", "configuration file (.slotcheck.yaml format, docs/config.md): rule tuning, exemptions, input.config; reloaded when it changes")
	f.StringVar(&opts.exemptions, "exemptions", "both", "which exemptions count: config (the --config file only: annotations are ignored), annotations, or both")
	addBackgroundFlags(f, &opts.background)
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return cli.UsageError{Err: err} })
	return cmd
}

func runServe(ctx context.Context, opts *serveOptions, s streams) error {
	mode, err := admission.ParseMode(opts.mode)
	if err != nil {
		return cli.UsageError{Err: fmt.Errorf("--mode: %w", err)}
	}
	exemptions, err := admission.ParseExemptionMode(opts.exemptions)
	if err != nil {
		return cli.UsageError{Err: fmt.Errorf("--exemptions: %w", err)}
	}
	evaluator, err := cli.EvaluatorOptions(os.Getenv(cli.EvaluatorVariable))
	if err != nil {
		return err
	}
	cfg, err := startAs(opts)
	if err != nil {
		return err
	}
	log := newLogger(s.err)
	// controller-runtime's webhook logs through its root logger, which
	// otherwise prints, with a stack trace, that nobody set it.
	ctrllog.SetLogger(log)
	// A review leaves little live and much garbage: collect above a floor
	// (docs/performance.md, "Cost per review"), unless GOGC says otherwise.
	defer gcpace.Start(gcpace.Env{Getenv: os.Getenv, ReadFile: os.ReadFile})()

	// Policies compile before anything listens: a webhook that cannot judge
	// must never report ready.
	confContent, confPolicies, err := readConfig(opts.config)
	if err != nil {
		return err
	}
	engine, err := newEngine(ctx, cli.PolicyDirs(opts.policies, confPolicies), evaluator)
	if err != nil {
		return fmt.Errorf("compile policies: %w", err)
	}
	profiles, err := rules.BuiltinProfiles()
	if err != nil {
		return err
	}
	metrics, err := admission.NewMetrics(ctrlmetrics.Registry)
	if err != nil {
		return err
	}
	if err := registerRuntimeMetrics(ctrlmetrics.Registry); err != nil {
		return err
	}
	watcher, err := certwatcher.New(filepath.Join(opts.certDir, "tls.crt"), filepath.Join(opts.certDir, "tls.key"))
	if err != nil {
		return fmt.Errorf("serving certificate: %w", err)
	}
	watcher.RegisterCallback(func(c tls.Certificate) { recordExpiry(metrics, c) })
	server := webhook.NewServer(webhook.Options{
		Port: opts.port,
		TLSOpts: []func(*tls.Config){func(c *tls.Config) {
			c.MinVersion = tls.VersionTLS12
			c.GetCertificate = watcher.GetCertificate
		}},
	})
	// Readiness follows the informers' watches (admission.WatchHealth).
	health := admission.NewWatchHealth(log.WithName("informers"))
	mgrOpts, err := opts.background.leaderElection(manager.Options{
		Logger:        log,
		Metrics:       metricsserver.Options{BindAddress: opts.metricsAddr},
		WebhookServer: server,
		NewCache:      health.NewCache,
	})
	if err != nil {
		return err
	}
	mgr, err := manager.New(cfg, mgrOpts)
	if err != nil {
		return fmt.Errorf("manager: %w", err)
	}
	if err := mgr.Add(watcher); err != nil {
		return err
	}
	// The webhook watches what the rules it evaluates read, as their
	// METADATA says; the chart's ClusterRole grants exactly that.
	reads := engine.Reads(true)
	informers, err := admission.InformerObjects(reads)
	if err != nil {
		return err
	}
	for _, obj := range informers {
		if _, err := mgr.GetCache().GetInformer(ctx, obj); err != nil {
			return fmt.Errorf("informer for %T: %w", obj, err)
		}
	}
	conf, err := configuration(opts, confContent, exemptions, engine, confPolicies, ctrlmetrics.Registry, mgr, log.WithName("config"))
	if err != nil {
		return err
	}
	excluded := append([]string{}, opts.excludedNamespaces...)
	if ns := ownNamespace(); ns != "" {
		excluded = append(excluded, ns)
	}
	handler, err := admission.NewHandler(engine, profiles, admission.NewCachedCluster(mgr.GetCache(), reads), admission.Config{
		Mode: mode, ExcludedNamespaces: excluded, DenyCrossObject: opts.denyCrossObject,
		FailOpen: opts.failOpen, Timeout: opts.timeout, Configuration: conf, Exemptions: exemptions,
	}, metrics, log.WithName("admission"))
	if err != nil {
		return err
	}
	if err := addBackgroundAudit(mgr, cfg, engine, profiles, excluded, conf, exemptions, opts.background, log); err != nil {
		return err
	}
	// Registering through the manager is what adds the server to the
	// runnables it starts. admission.Serve is controller-runtime's webhook
	// with a cheaper reading of large bodies.
	mgr.GetWebhookServer().Register(ValidatePath, admission.Serve(handler))

	probes := probeServer(opts.healthAddr, map[string]healthz.Checker{"ping": healthz.Ping}, map[string]healthz.Checker{
		"webhook": server.StartedChecker(),
		"caches":  health.Checker(mgr.GetCache()),
	})
	if err := mgr.Add(probes); err != nil {
		return err
	}
	log.Info("starting", "version", version.String(), "mode", mode, "port", opts.port, "excludedNamespaces", excluded, "rules", len(engine.Rules()))
	// Start returns after SIGTERM once in-flight requests are answered.
	return mgr.Start(ctx)
}

// probeServer serves liveness at /health and /healthz and readiness at
// /ready and /readyz: the deployment standard names the first, kubebuilder
// conventions the second, and charts and scripts may rely on either. As a
// manager.Server it starts with the other HTTP servers, before the caches
// sync, so that liveness answers while the webhook warms up.
func probeServer(addr string, live, ready map[string]healthz.Checker) manager.Runnable {
	mux := http.NewServeMux()
	liveness := &healthz.Handler{Checks: live}
	readiness := &healthz.Handler{Checks: ready}
	for _, p := range []string{"/health", "/healthz"} {
		mux.Handle(p, http.StripPrefix(p, liveness))
		mux.Handle(p+"/", http.StripPrefix(p, liveness))
	}
	for _, p := range []string{"/ready", "/readyz"} {
		mux.Handle(p, http.StripPrefix(p, readiness))
		mux.Handle(p+"/", http.StripPrefix(p, readiness))
	}
	shutdown := 5 * time.Second
	return &manager.Server{
		Name:            "probes",
		Server:          &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second},
		ShutdownTimeout: &shutdown,
	}
}

// restConfig reads the kubeconfig, or the in-cluster configuration without
// one.
func restConfig(kubeconfig string) (*rest.Config, error) {
	if kubeconfig != "" {
		cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
		if err != nil {
			return nil, cli.UsageError{Err: fmt.Errorf("--kubeconfig: %w", err)}
		}
		// The certificates a kubeconfig names are read now, while the
		// process may still be root: after it drops to --run-as they may
		// be out of reach.
		if err := rest.LoadTLSFiles(cfg); err != nil {
			return nil, cli.UsageError{Err: fmt.Errorf("--kubeconfig %s: %w", kubeconfig, err)}
		}
		return cfg, nil
	}
	cfg, err := rest.InClusterConfig()
	if err != nil {
		return nil, cli.UsageError{Err: fmt.Errorf("no --kubeconfig and not in a cluster: %w", err)}
	}
	return cfg, nil
}

// ownNamespace is the webhook's namespace, from the service account mount:
// it is always excluded so that the webhook can never lock out its own
// recovery.
func ownNamespace() string {
	b, err := os.ReadFile("/var/run/secrets/kubernetes.io/serviceaccount/namespace")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

func recordExpiry(m *admission.Metrics, c tls.Certificate) {
	leaf := c.Leaf
	if leaf == nil && len(c.Certificate) > 0 {
		leaf, _ = x509.ParseCertificate(c.Certificate[0])
	}
	if leaf != nil {
		m.CertificateExpires(leaf.NotAfter)
	}
}
