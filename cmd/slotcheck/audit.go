package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/slotwise/slotcheck/internal/audit"
	"github.com/slotwise/slotcheck/internal/cli"
	"github.com/slotwise/slotcheck/internal/config"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/internal/source"
	"github.com/slotwise/slotcheck/internal/version"
)

type auditOptions struct {
	kubeconfig string
	context    string
	namespace  string
	chunkSize  int64
	profiles   string
	config     string
	baseline   string
	policies   []string
	output     outputOptions
}

// Client-side rate limits of the audit's requests, where the kubeconfig
// sets none: kubectl's, since client-go's default (5 per second) would
// make an audit of a thousand namespaces wait for the client, not the
// server.
const (
	auditQPS   = 50
	auditBurst = 300
)

func newAuditCommand(s streams) *cobra.Command {
	opts := &auditOptions{}
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Judge the workloads running in a cluster",
		Long: `Judge the workloads of a live cluster (Pods and their controllers) with the
rules the admission webhook applies, reading them through the Kubernetes API in
pages, one namespace at a time. A Pod or ReplicaSet owned by a judged
controller is judged through it. A finding names its object as
namespace/Kind/name and its field path. The cluster comes from --kubeconfig,
else KUBECONFIG, else ~/.kube/config, else the in-cluster service account.
Exit status: 0 nothing blocking, 1 blocking findings (see --fail-on), 2 usage
error or a kind that could not be read, 3 internal error.

--config applies a configuration file (the format lint reads) as lint and the
webhook do: rule settings per the namespace's environment, exemptions by kind,
namespace, name and container, image tags. It is never searched for, since an
audit scans no path, and an exemption's paths match nothing in a cluster. The
file's expired, expiring and stale exemptions (EXM005-EXM007) are reported at
their lines, as lint reports them.`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return cli.UsageError{Err: fmt.Errorf("audit takes no paths (got %s): it reads the cluster the kubeconfig names; lint reads files", strings.Join(args, " "))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runAudit(cmd.Context(), opts, s)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.kubeconfig, "kubeconfig", "", "kubeconfig file (default: KUBECONFIG, then ~/.kube/config, then in-cluster)")
	f.StringVar(&opts.context, "context", "", "kubeconfig context to use (default: the current context)")
	f.StringVarP(&opts.namespace, "namespace", "n", "", "audit only this namespace (default: all namespaces)")
	f.Int64Var(&opts.chunkSize, "chunk-size", audit.DefaultChunkSize, "objects per LIST request (page size)")
	f.StringVar(&opts.profiles, "profiles", "", "folder of environment profiles (<env>.yaml) that override the built-in")
	f.StringVar(&opts.config, "config", "", "configuration file (.slotcheck.yaml format) applied to every namespace; never searched for, since an audit scans no path (exemptions' paths match nothing in a cluster)")
	f.StringVar(&opts.baseline, "baseline", "", "earlier JSON report of an audit (--format json) whose findings are baselined: shown with --show-suppressed, never failing the run")
	addPolicyFlag(f, &opts.policies)
	addOutputFlags(cmd, f, &opts.output)
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return cli.UsageError{Err: err} })
	return cmd
}

func runAudit(ctx context.Context, opts *auditOptions, s streams) error {
	if err := opts.output.parse(); err != nil {
		return err
	}
	if opts.chunkSize <= 0 {
		return cli.UsageError{Err: fmt.Errorf("--chunk-size %d: want a positive number", opts.chunkSize)}
	}
	profiles, err := rules.BuiltinProfiles()
	if err != nil {
		return err
	}
	if opts.profiles != "" {
		if _, err := profiles.Override(opts.profiles); err != nil {
			return cli.UsageError{Err: fmt.Errorf("--profiles: %w", err)}
		}
	}
	base, err := readBaseline(opts.baseline)
	if err != nil {
		return err
	}
	cluster, err := clusterClient(opts)
	if err != nil {
		return err
	}
	file, fileErrs := loadAuditConfiguration(opts.config)
	var confPolicies []string
	if file != nil && len(fileErrs) == 0 {
		if confPolicies, err = cli.FilePolicies(file); err != nil {
			return err
		}
	}
	engine, err := cli.NewEngine(ctx, cli.PolicyFolders(cli.PolicyDirs(opts.policies, confPolicies)))
	if err != nil {
		return err
	}
	conf, err := auditConfiguration(file, fileErrs, engine)
	if err != nil {
		return err
	}
	rep, err := audit.Run(ctx, engine, cluster, audit.Options{
		Namespace:     opts.namespace,
		ChunkSize:     opts.chunkSize,
		Profiles:      profiles,
		Progress:      progressLine(s),
		Configuration: conf,
	})
	if err != nil {
		return err
	}
	if base != nil {
		base.Apply(rep)
	}
	return opts.output.emit(rep, engine, s)
}

// loadAuditConfiguration reads --config once, for its policy folders and
// then for the rest (auditConfiguration): nothing when the flag is not
// given.
func loadAuditConfiguration(path string) (*config.File, []source.Error) {
	if path == "" {
		return nil, nil
	}
	return config.Load(path, filepath.ToSlash(path))
}

// auditConfiguration checks the file --config loaded before the cluster is
// read: none when the flag is not given. A file with problems is an input
// error listing each at its line, and nothing is audited, since an audit
// without the configuration it was given would report what the cluster's
// admission does not.
func auditConfiguration(f *config.File, errs []source.Error, engine *rules.Engine) (*scan.Configuration, error) {
	if f == nil && len(errs) == 0 {
		return nil, nil
	}
	if f != nil {
		errs = append(errs, f.CheckRules(func(id string) bool { _, ok := engine.Rule(id); return ok })...)
		// Its workload kinds are listed and judged, so they are checked as
		// lint checks them.
		errs = append(errs, f.CheckWorkloads(engine.WorkloadKinds())...)
	}
	if len(errs) > 0 {
		list := make([]error, len(errs))
		for i, e := range errs {
			list[i] = e
		}
		return nil, cli.UsageError{Err: fmt.Errorf("--config: %w", errors.Join(list...))}
	}
	return scan.NewConfiguration(f), nil
}

// clusterClient connects to the cluster the kubeconfig flags name, with
// clientcmd's usual loading rules and in-cluster fallback.
func clusterClient(opts *auditOptions) (audit.Cluster, error) {
	loading := clientcmd.NewDefaultClientConfigLoadingRules()
	loading.ExplicitPath = opts.kubeconfig
	overrides := &clientcmd.ConfigOverrides{CurrentContext: opts.context}
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(loading, overrides).ClientConfig()
	if err != nil {
		return audit.Cluster{}, cli.UsageError{Err: fmt.Errorf("kubeconfig: %w", err)}
	}
	cfg = rest.CopyConfig(cfg)
	if cfg.QPS == 0 {
		cfg.QPS, cfg.Burst = auditQPS, auditBurst
	}
	cfg.UserAgent = "slotcheck/" + version.String()
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return audit.Cluster{}, cli.UsageError{Err: fmt.Errorf("kubeconfig: %w", err)}
	}
	disc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return audit.Cluster{}, cli.UsageError{Err: fmt.Errorf("kubeconfig: %w", err)}
	}
	return audit.Cluster{Dynamic: dyn, Discovery: disc}, nil
}

// progressLine reports namespaces done on standard error when it is a
// terminal, and nothing otherwise: a log or a pipe gets only the report.
func progressLine(s streams) func(done, total int) {
	f, ok := s.err.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return func(done, total int) {
		fmt.Fprintf(f, "\rslotcheck: audited %d/%d namespaces", done, total)
		if done == total {
			// Erase the line, so that the report starts clean.
			fmt.Fprint(f, "\r\x1b[K")
		}
	}
}
