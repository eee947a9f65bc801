package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/slotwise/slotcheck/internal/cli"
	"github.com/slotwise/slotcheck/internal/report"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/internal/version"
)

// outputOptions are how lint and audit report and when they fail: the same
// flags, formats and exit codes for both.
type outputOptions struct {
	format         string
	outputs        []string
	sarifCategory  string
	failOn         string
	showSuppressed bool
	noColor        bool
	// sarifLimits are code scanning's limits a SARIF log is checked against.
	sarifLimits report.SARIFLimits

	// files maps each --output path to its format, in order; threshold is
	// the rank of --fail-on, 0 for never. Both are set by parse.
	files     map[string]string
	order     []string
	threshold int
}

// formats are the reports lint and audit write, to standard output or to files.
var formats = []string{"text", "json", "sarif", "junit"}

// addOutputFlags adds the output flags to a command.
func addOutputFlags(cmd *cobra.Command, f *pflag.FlagSet, opts *outputOptions) {
	opts.sarifLimits = report.GitHubSARIFLimits()
	f.StringVarP(&opts.format, "format", "f", "text", "format of standard output: text, json, sarif or junit")
	f.StringArrayVarP(&opts.outputs, "output", "o", nil, "also write a report to a file, as FORMAT=PATH, e.g. sarif=results.sarif (repeatable)")
	f.StringVar(&opts.sarifCategory, "sarif-category", "slotcheck", "code scanning category of the SARIF run (automationDetails.id), for several analyses of one commit")
	f.StringVar(&opts.failOn, "fail-on", "error", "lowest severity that fails the run: error, warning, note or never")
	f.BoolVar(&opts.showSuppressed, "show-suppressed", false, "list exempted and baselined findings in text output")
	f.BoolVar(&opts.noColor, "no-color", false, "never colour the text output (NO_COLOR is honoured too)")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions([]string{"error", "warning", "note", "never"}, cobra.ShellCompDirectiveNoFileComp))
}

// parse checks the output flags, before any work is done.
func (o *outputOptions) parse() error {
	if !slices.Contains(formats, o.format) {
		return cli.UsageError{Err: fmt.Errorf("--format %q: want one of %s", o.format, strings.Join(formats, ", "))}
	}
	o.files = map[string]string{}
	o.order = nil
	for _, out := range o.outputs {
		format, path, ok := strings.Cut(out, "=")
		if !ok || path == "" || !slices.Contains(formats, format) {
			return cli.UsageError{Err: fmt.Errorf("--output %q: want FORMAT=PATH with FORMAT one of %s", out, strings.Join(formats, ", "))}
		}
		if _, dup := o.files[path]; dup {
			return cli.UsageError{Err: fmt.Errorf("--output: %s named twice", path)}
		}
		o.files[path] = format
		o.order = append(o.order, path)
	}
	o.threshold = 0
	if o.failOn != "never" {
		sev, err := rules.ParseSeverity(o.failOn)
		if err != nil {
			return cli.UsageError{Err: fmt.Errorf("--fail-on: %w (or never)", err)}
		}
		o.threshold = sev.Rank()
	}
	return nil
}

// emit writes the report to standard output and to every --output file,
// and returns the exit status it calls for: input errors, then blocking
// findings.
func (o *outputOptions) emit(rep *scan.Report, engine *rules.Engine, s streams) error {
	render := func(w io.Writer, format string, color bool) error {
		switch format {
		case "json":
			return report.JSON(w, rep)
		case "sarif":
			return report.SARIF(w, rep, report.SARIFOptions{Category: o.sarifCategory, Rules: engine.Rules(), Version: version.String()})
		case "junit":
			return report.JUnit(w, rep, report.JUnitOptions{Rules: engine.Rules(), FailOn: o.threshold})
		}
		return report.Text(w, rep, report.TextOptions{Color: color, ShowSuppressed: o.showSuppressed})
	}
	if err := render(s.out, o.format, useColor(s, o.noColor)); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	for _, path := range o.order {
		if err := writeFile(path, func(w io.Writer) error { return render(w, o.files[path], false) }); err != nil {
			return err
		}
	}
	if o.format == "sarif" || slices.Contains(slices.Collect(maps.Values(o.files)), "sarif") {
		if advice := o.sarifLimits.Advice(rep); advice != "" {
			fmt.Fprintf(s.err, "slotcheck: %s\n", advice)
		}
	}
	if len(rep.Errors) > 0 {
		return cli.StatusError(exitInput)
	}
	if o.threshold == 0 {
		return nil
	}
	// Only a finding that can block is expanded.
	for i := range rep.Len() {
		if !rep.Suppressed(i) && rep.At(i).Severity.Rank() >= o.threshold {
			return cli.StatusError(exitFindings)
		}
	}
	return nil
}
