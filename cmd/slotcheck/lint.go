package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/slotwise/slotcheck/internal/cli"
	"github.com/slotwise/slotcheck/internal/report"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/internal/source"
	"github.com/slotwise/slotcheck/internal/version"
	"github.com/slotwise/slotcheck/policies"
)

type lintOptions struct {
	environment    string
	profiles       string
	exclude        []string
	format         string
	outputs        []string
	sarifCategory  string
	failOn         string
	buildArgs      []string
	helm           source.HelmOptions
	showSuppressed bool
	noColor        bool
	// sarifLimits are code scanning's limits a SARIF log is checked against.
	sarifLimits report.SARIFLimits
}

// formats are the reports lint writes, to standard output or to files.
var formats = []string{"text", "json", "sarif", "junit"}

func newLintCommand(s streams) *cobra.Command {
	opts := &lintOptions{sarifLimits: report.GitHubSARIFLimits()}
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
	f.StringVarP(&opts.format, "format", "f", "text", "format of standard output: text, json, sarif or junit")
	f.StringArrayVarP(&opts.outputs, "output", "o", nil, "also write a report to a file, as FORMAT=PATH, e.g. sarif=results.sarif (repeatable)")
	f.StringVar(&opts.sarifCategory, "sarif-category", "slotcheck", "code scanning category of the SARIF run (automationDetails.id), for several analyses of one commit")
	f.StringArrayVar(&opts.buildArgs, "build-arg", nil, "value of a Dockerfile ARG used in FROM, as NAME=VALUE (repeatable), like docker build")
	f.StringArrayVar(&opts.helm.ValuesFiles, "values", nil, "values file for the Helm charts found (repeatable; later files win)")
	f.StringArrayVar(&opts.helm.Set, "set", nil, "value for the Helm charts found, as helm --set takes it: a.b=c (repeatable)")
	f.StringVar(&opts.helm.ReleaseName, "release-name", "release-name", "Helm release name the charts are rendered with")
	f.StringVar(&opts.helm.Namespace, "release-namespace", "default", "Helm release namespace the charts are rendered with")
	f.StringVar(&opts.helm.KubeVersion, "kube-version", source.DefaultKubeVersion, "Kubernetes version the charts are rendered for (.Capabilities.KubeVersion)")
	f.StringVar(&opts.failOn, "fail-on", "error", "lowest severity that fails the run: error, warning, note or never")
	f.BoolVar(&opts.showSuppressed, "show-suppressed", false, "list exempted findings in text output")
	f.BoolVar(&opts.noColor, "no-color", false, "never colour the text output (NO_COLOR is honoured too)")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions([]string{"error", "warning", "note", "never"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("env", cobra.FixedCompletions(rules.Environments(), cobra.ShellCompDirectiveNoFileComp))
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return cli.UsageError{Err: err} })
	return cmd
}

func runLint(ctx context.Context, opts *lintOptions, paths []string, s streams) error {
	if !slices.Contains(formats, opts.format) {
		return cli.UsageError{Err: fmt.Errorf("--format %q: want one of %s", opts.format, strings.Join(formats, ", "))}
	}
	files := map[string]string{}
	var order []string
	for _, o := range opts.outputs {
		format, path, ok := strings.Cut(o, "=")
		if !ok || path == "" || !slices.Contains(formats, format) {
			return cli.UsageError{Err: fmt.Errorf("--output %q: want FORMAT=PATH with FORMAT one of %s", o, strings.Join(formats, ", "))}
		}
		if _, dup := files[path]; dup {
			return cli.UsageError{Err: fmt.Errorf("--output: %s named twice", path)}
		}
		files[path] = format
		order = append(order, path)
	}
	threshold := 0
	if opts.failOn != "never" {
		sev, err := rules.ParseSeverity(opts.failOn)
		if err != nil {
			return cli.UsageError{Err: fmt.Errorf("--fail-on: %w (or never)", err)}
		}
		threshold = sev.Rank()
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
	// The policies compile while the files load: each takes a core.
	type compiled struct {
		engine *rules.Engine
		err    error
	}
	done := make(chan compiled, 1)
	go func() {
		e, err := rules.New(ctx, policies.FS())
		done <- compiled{e, err}
	}()
	getEngine := sync.OnceValues(func() (*rules.Engine, error) {
		c := <-done
		return c.engine, c.err
	})
	rep, err := scan.RunWith(ctx, getEngine, scan.Options{
		Paths:       paths,
		Environment: env,
		ProfilesDir: opts.profiles,
		Exclude:     opts.exclude,
		Stdin:       s.in,
		BuildArgs:   buildArgs,
		Helm:        opts.helm,
	})
	if err != nil {
		return err
	}
	engine, err := getEngine()
	if err != nil {
		return err
	}
	render := func(w io.Writer, format string, color bool) error {
		switch format {
		case "json":
			return report.JSON(w, rep)
		case "sarif":
			return report.SARIF(w, rep, report.SARIFOptions{Category: opts.sarifCategory, Rules: engine.Rules(), Version: version.String()})
		case "junit":
			return report.JUnit(w, rep, report.JUnitOptions{Rules: engine.Rules(), FailOn: threshold})
		}
		return report.Text(w, rep, report.TextOptions{Color: color, ShowSuppressed: opts.showSuppressed})
	}
	if err := render(s.out, opts.format, useColor(s, opts.noColor)); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	for _, path := range order {
		if err := writeFile(path, func(w io.Writer) error { return render(w, files[path], false) }); err != nil {
			return err
		}
	}
	if opts.format == "sarif" || slices.Contains(slices.Collect(maps.Values(files)), "sarif") {
		if advice := opts.sarifLimits.Advice(rep); advice != "" {
			fmt.Fprintf(s.err, "slotcheck: %s\n", advice)
		}
	}
	if len(rep.Errors) > 0 {
		return cli.StatusError(exitInput)
	}
	for _, f := range rep.Findings {
		if !f.Suppressed && threshold > 0 && f.Severity.Rank() >= threshold {
			return cli.StatusError(exitFindings)
		}
	}
	return nil
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
