package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/slotwise/slotcheck/internal/baseline"
	"github.com/slotwise/slotcheck/internal/cli"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/internal/source"
)

type lintOptions struct {
	environment string
	profiles    string
	exclude     []string
	config      string
	baseline    string
	policies    []string
	buildArgs   []string
	helm        source.HelmOptions
	output      outputOptions
	kustomize   bool
}

func newLintCommand(s streams) *cobra.Command {
	opts := &lintOptions{}
	cmd := &cobra.Command{
		Use:   "lint [PATH...]",
		Short: "Lint manifests (the default command)",
		Long: `Lint Kubernetes manifests: files, folders (recursively: .yaml, .yml, .json) or
'-' for standard input. Exit status: 0 nothing blocking, 1 blocking findings
(see --fail-on), 2 usage or input error, 3 internal error.`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cli.UsageError{Err: fmt.Errorf("no path to lint: give files or folders, or - for standard input")}
			}
			return runLint(cmd.Context(), opts, args, s)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.environment, "env", "e", "", "environment of every object: development, staging or production (default: from namespace, then path, then production)")
	f.StringVar(&opts.profiles, "profiles", "", "folder of environment profiles (<env>.yaml) that override the built-in and the repository's")
	f.StringArrayVar(&opts.exclude, "exclude", nil, "skip files and folders matching this glob (repeatable)")
	f.StringVar(&opts.config, "config", "", "configuration file for every path (default: the nearest .slotcheck.yaml from each path up to the repository root)")
	f.StringVar(&opts.baseline, "baseline", "", "earlier JSON report (--format json) whose findings are baselined: shown with --show-suppressed, never failing the run")
	addPolicyFlag(f, &opts.policies)
	f.StringArrayVar(&opts.buildArgs, "build-arg", nil, "value of a Dockerfile ARG used in FROM, as NAME=VALUE (repeatable), like docker build")
	f.StringArrayVar(&opts.helm.ValuesFiles, "values", nil, "values file for the Helm charts found (repeatable; later files win)")
	f.StringArrayVar(&opts.helm.Set, "set", nil, "value for the Helm charts found, as helm --set takes it: a.b=c (repeatable)")
	f.StringVar(&opts.helm.ReleaseName, "release-name", "release-name", "Helm release name the charts are rendered with")
	f.StringVar(&opts.helm.Namespace, "release-namespace", "default", "Helm release namespace the charts are rendered with")
	f.StringVar(&opts.helm.KubeVersion, "kube-version", source.DefaultKubeVersion, "Kubernetes version the charts are rendered for (.Capabilities.KubeVersion)")
	f.BoolVar(&opts.kustomize, "kustomize", true, "render every kustomization (kustomization.yaml) found and lint what it renders; false lints its files one by one")
	addOutputFlags(cmd, f, &opts.output)
	_ = cmd.RegisterFlagCompletionFunc("env", cobra.FixedCompletions(rules.Environments(), cobra.ShellCompDirectiveNoFileComp))
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return cli.UsageError{Err: err} })
	return cmd
}

func runLint(ctx context.Context, opts *lintOptions, paths []string, s streams) error {
	if err := opts.output.parse(); err != nil {
		return err
	}
	buildArgs := map[string]string{}
	for _, a := range opts.buildArgs {
		k, v, ok := strings.Cut(a, "=")
		if !ok || k == "" {
			return cli.UsageError{Err: fmt.Errorf("--build-arg %q: want NAME=VALUE", a)}
		}
		buildArgs[k] = v
	}
	env := ""
	if opts.environment != "" {
		e, err := rules.ParseEnvironment(opts.environment)
		if err != nil {
			return cli.UsageError{Err: fmt.Errorf("--env: %w", err)}
		}
		env = e
	}
	base, err := readBaseline(opts.baseline)
	if err != nil {
		return err
	}
	evaluator, err := cli.EvaluatorOptions(os.Getenv(cli.EvaluatorVariable))
	if err != nil {
		return err
	}
	getEngine := compileWhileLoading(ctx, cli.PolicyFolders(opts.policies), evaluator)
	rep, err := scan.RunWith(ctx, getEngine, scan.Options{
		Paths:       paths,
		Environment: env,
		ProfilesDir: opts.profiles,
		Exclude:     opts.exclude,
		Config:      opts.config,
		Stdin:       s.in,
		BuildArgs:   buildArgs,
		Helm:        opts.helm,
		Kustomize:   opts.kustomize,
	})
	if err != nil {
		return err
	}
	engine, err := getEngine(nil)
	if err != nil {
		return err
	}
	if base != nil {
		base.Apply(rep)
	}
	return opts.output.emit(rep, engine, s)
}

// readBaseline reads --baseline before any file is scanned; none when
// the flag is not given. A baseline that cannot be read is an input
// error, exit 2.
func readBaseline(path string) (*baseline.Baseline, error) {
	if path == "" {
		return nil, nil
	}
	b, err := baseline.Read(path)
	if err != nil {
		return nil, cli.UsageError{Err: fmt.Errorf("--baseline: %w", err)}
	}
	return b, nil
}

// writeFile creates (or truncates) path and writes a report into it.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return cli.UsageError{Err: fmt.Errorf("--output: %w", err)}
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// useColor colours only a terminal, and never when NO_COLOR is set
// (https://no-color.org).
func useColor(s streams, noColor bool) bool {
	if noColor || os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := s.out.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
