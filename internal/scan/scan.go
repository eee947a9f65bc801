// Package scan lints a set of paths: it loads the objects, resolves each
// one's environment and profile, evaluates the engine on every object in
// parallel and maps each violation back to its line and column.
package scan

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/slotwise/slotcheck/internal/config"
	"github.com/slotwise/slotcheck/internal/kube"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/source"
)

// Options says what to scan and how.
type Options struct {
	Paths []string
	// Environment, when set, applies to every object.
	Environment string
	// ProfilesDir holds <env>.yaml profiles that override every other.
	ProfilesDir string
	Exclude     []string
	Stdin       io.Reader
	// WorkDir makes reported paths relative; empty means the process's.
	WorkDir string
	// Parallelism bounds concurrent evaluations; 0 means GOMAXPROCS.
	Parallelism int
	// BuildArgs override Dockerfile ARG defaults (--build-arg).
	BuildArgs map[string]string
	// Helm renders the charts found.
	Helm source.HelmOptions
	// Kustomize renders the kustomizations found; without it their files
	// are linted one by one.
	Kustomize bool
	// Config is the configuration file of every path (--config); when
	// empty, each path's is the nearest .slotcheck.yaml upwards.
	Config string
	// Now is when the scan runs, which exemptions expire by; zero means
	// the clock's time.
	Now time.Time
}

// Finding is one violation at its place in a file.
type Finding struct {
	Rule        *rules.Rule
	Severity    rules.Severity
	Message     string
	File        string
	Line        int
	Column      int
	EndColumn   int
	Kind        string
	Namespace   string
	Name        string
	Container   string
	Environment string
	// FieldPath is the offending field, e.g. spec.template.spec.containers[0].image.
	FieldPath string
	// Path is FieldPath as segments: strings and ints.
	Path       []any
	Suppressed bool
	Reason     string
	// Baselined marks a suppressed finding that an earlier report already
	// held (lint --baseline): known debt, not an exemption with a reason
	// of its own.
	Baselined bool
	// Root is the kustomization folder the object was rendered through:
	// one base line reached by two overlays gives a finding for each.
	// Empty for an object linted from its own file.
	Root string
}

// Summary counts what a scan saw.
type Summary struct {
	Files   int
	Objects int
	Skipped int
	Charts  []string
	// Kustomizations lists the kustomization roots rendered.
	Kustomizations []string
	Patches        int
	Errors         int
	Suppressed     int
	// Baselined counts the findings a baseline suppressed; Suppressed
	// does not count them.
	Baselined  int
	BySeverity map[rules.Severity]int
}

// Target is an object a scan judged, for reports that list what passed too.
type Target struct {
	// Domain says which rules judged it: "k8s", "dockerfile" or "config"
	// (a configuration file's own exemptions).
	Domain      string
	File        string
	Line        int
	Kind        string
	Namespace   string
	Name        string
	Environment string
	// Admission: the target was judged with the admission rules only, as
	// the webhook and a cluster audit judge.
	Admission bool
	// Disabled lists the ids of the rules its configuration turns off,
	// sorted.
	Disabled []string
}

// Report is the outcome of a scan.
type Report struct {
	Findings []Finding
	Errors   []source.Error
	Summary  Summary
	// Targets lists the objects judged, in load order.
	Targets []Target
	// Cluster says the objects were read from a cluster, not from files: a
	// finding's File names its object as namespace/Kind/name, it has no line,
	// and its FieldPath is where it is; Summary.Files counts namespaces, and
	// Summary.Skipped the objects judged through their controllers.
	Cluster bool
}

// Run scans opts.Paths with the engine.
func Run(ctx context.Context, engine *rules.Engine, opts Options) (*Report, error) {
	return RunWith(ctx, func() (*rules.Engine, error) { return engine, nil }, opts)
}

// RunWith is Run with an engine it asks for only once the files are
// loaded, so that a caller can compile the policies while they load.
func RunWith(ctx context.Context, getEngine func() (*rules.Engine, error), opts Options) (*Report, error) {
	if opts.WorkDir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, fmt.Errorf("working directory: %w", err)
		}
		opts.WorkDir = wd
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	rep := &Report{Summary: Summary{BySeverity: map[rules.Severity]int{}}}
	cfgs := newConfigs(opts)
	targets := loadTargets(rep, cfgs, opts)
	engine, err := getEngine()
	if err != nil {
		return nil, err
	}
	cfgs.checkRules(rep, engine)
	inventory := gatherInventory(engine, targets)
	today := config.NewDate(opts.Now)
	verdicts, err := judgeAll(ctx, engine, targets, inventory, indexObjects(targets), today, opts)
	if err != nil {
		return nil, err
	}
	env := cmp.Or(opts.Environment, "production")
	cfgFindings, cfgTargets, err := judgeConfigs(ctx, engine, cfgs, targets, verdicts, env, today)
	if err != nil {
		return nil, err
	}
	collect(rep, targets, verdicts, cfgFindings, cfgTargets)
	Sort(rep)
	Tally(rep)
	return rep, nil
}

// target is a loaded object with the profiles and the configuration of
// the path it was found under.
type target struct {
	obj      *source.Object
	profiles *profileSet
	config   *Configuration
}

// verdict is what judging one target gave.
type verdict struct {
	env      string
	findings []Finding
	// err is an evaluation error: an input problem, reported beside the
	// findings of the rules that could be evaluated.
	err *source.Error
	// matched lists the configuration's exemptions that matched a finding.
	matched []int
}

// loadTargets loads every path with its own profiles, adding what it
// could not read and what it counted to rep.
func loadTargets(rep *Report, cfgs *configs, opts Options) []target {
	var targets []target
	checker := kube.NewChecker()
	for _, p := range opts.Paths {
		ps, err := profilesFor(p, opts)
		if err != nil {
			rep.Errors = append(rep.Errors, source.Error{File: p, Message: err.Error()})
			continue
		}
		cs := cfgs.forPath(rep, p)
		res := source.Load([]string{p}, source.Options{Exclude: cs.excludes(opts.Exclude), Stdin: opts.Stdin, WorkDir: opts.WorkDir, BuildArgs: opts.BuildArgs, Helm: opts.Helm, Checker: checker, Kustomize: opts.Kustomize})
		rep.Errors = append(rep.Errors, res.Errors...)
		rep.Summary.Files += res.Files
		rep.Summary.Skipped += res.Skipped
		rep.Summary.Charts = append(rep.Summary.Charts, res.Charts...)
		rep.Summary.Kustomizations = append(rep.Summary.Kustomizations, res.Kustomizations...)
		rep.Summary.Patches += res.Patches
		for _, o := range res.Objects {
			targets = append(targets, target{o, ps, cs})
		}
	}
	rep.Summary.Objects = len(targets)
	return targets
}

// gatherInventory collects the objects of the kinds the engine's rules
// read, which only the engine knows: hence after it is compiled.
func gatherInventory(engine *rules.Engine, targets []target) *rules.Inventory {
	inventory := rules.NewInventory(engine.Reads(false))
	for _, t := range targets {
		if t.obj.Domain == "k8s" {
			inventory.Add(t.obj.Kind, t.obj.Namespace, t.obj.Value)
		}
	}
	return inventory
}

// indexObjects names the Kubernetes objects of a scan, for the findings a
// rule places in another object than the one it judges.
func indexObjects(targets []target) Objects {
	objects := Objects{}
	for _, t := range targets {
		if t.obj.Domain == "k8s" {
			objects.add(t.obj)
		}
	}
	return objects
}

// judgeAll judges the targets in parallel, each verdict in its target's
// place. The first internal error stops the scan. today is the scan's
// day, worked out once rather than per target.
func judgeAll(ctx context.Context, engine *rules.Engine, targets []target, inventory *rules.Inventory, objects Objects, today config.Date, opts Options) ([]verdict, error) {
	day := today.String()
	verdicts := make([]verdict, len(targets))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(cmp.Or(opts.Parallelism, runtime.GOMAXPROCS(0)))
	// A goroutine judges a batch of targets, not one: each new goroutine
	// grows its stack to what evaluation needs, which cost ~1.5% of a scan's
	// CPU with one goroutine per target.
	const batch = 16
	for start := 0; start < len(targets) && gctx.Err() == nil; start += batch {
		g.Go(func() error {
			for i := start; i < min(start+batch, len(targets)); i++ {
				var err error
				if verdicts[i], err = judgeTarget(gctx, engine, targets[i], inventory, objects, today, day, opts); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return verdicts, ctx.Err()
}

// judgeTarget resolves a target's environment and profile and judges it;
// day is today as rules read it (input.today).
func judgeTarget(ctx context.Context, engine *rules.Engine, t target, inventory *rules.Inventory, objects Objects, today config.Date, day string, opts Options) (verdict, error) {
	o := t.obj
	v := verdict{env: rules.ResolveEnvironment(opts.Environment, o.Namespace, envPath(o))}
	profile, err := t.profiles.value(v.env)
	if err != nil {
		return verdict{}, err
	}
	fs, err := Judge(ctx, engine, o, Context{Environment: v.env, Profile: profile, Inventory: inventory.Value(o.Namespace),
		Objects: objects, Config: t.config.RuleData(), Today: day})
	var ee *rules.EvalError
	switch {
	case errors.As(err, &ee):
		pos := o.Place(nil, "")
		v.err = &source.Error{File: pos.File, Line: pos.Line, Column: pos.Column,
			Message: fmt.Sprintf("%s: %v", source.ObjectName(o.Kind, o.Namespace, o.Name), ee)}
	case err != nil:
		return verdict{}, fmt.Errorf("%s %s: %w", o.File, source.ObjectName(o.Kind, o.Namespace, o.Name), err)
	}
	if t.config != nil {
		fs, v.matched = t.config.apply(fs, config.Subject{Kind: o.Kind, Namespace: o.Namespace, Name: o.Name, Paths: t.config.paths(opts.WorkDir, o)}, today)
	}
	// Sorted here, in parallel: objects come in file order and do not
	// share lines, so the final sort mostly only checks.
	slices.SortStableFunc(fs, compareFindings)
	v.findings = fs
	return v, nil
}

// collect adds the verdicts to rep in load order, then the findings and
// targets of the configuration files.
func collect(rep *Report, targets []target, verdicts []verdict, cfgFindings []Finding, cfgTargets []Target) {
	total := len(cfgFindings)
	for _, v := range verdicts {
		total += len(v.findings)
	}
	rep.Findings = make([]Finding, 0, total)
	rep.Targets = make([]Target, 0, len(targets)+len(cfgTargets))
	for i, t := range targets {
		o, v := t.obj, verdicts[i]
		var disabled []string
		if t.config != nil {
			disabled = t.config.Disabled()
		}
		rep.Targets = append(rep.Targets, Target{Domain: o.Domain, File: o.File, Line: o.Line, Kind: o.Kind, Namespace: o.Namespace, Name: o.Name, Environment: v.env, Disabled: disabled})
		rep.Findings = append(rep.Findings, v.findings...)
		if v.err != nil {
			rep.Errors = append(rep.Errors, *v.err)
		}
	}
	rep.Findings = append(rep.Findings, cfgFindings...)
	rep.Targets = append(rep.Targets, cfgTargets...)
}

// Tally counts rep's findings by severity, its suppressed findings and its
// errors into its summary, once the findings and errors are all in.
func Tally(rep *Report) {
	if rep.Summary.BySeverity == nil {
		rep.Summary.BySeverity = map[rules.Severity]int{}
	}
	for _, f := range rep.Findings {
		if f.Suppressed {
			rep.Summary.Suppressed++
		} else {
			rep.Summary.BySeverity[f.Severity]++
		}
	}
	rep.Summary.Errors = len(rep.Errors)
}
