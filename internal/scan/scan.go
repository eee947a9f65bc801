// Package scan lints a set of paths: it loads the objects, resolves each
// one's environment and profile, evaluates the engine on every object in
// parallel and maps each violation back to its line and column.
package scan

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

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
	APIVersion  string // the judged object's, as read: a cluster's, as listed
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
	// Baselined marks a suppressed finding that an earlier report already
	// held (lint --baseline): known debt, not an exemption with a reason
	// of its own. A report keeps it, with Suppressed, as a bit of its
	// compact record (Report.Baseline).
	Baselined bool
	Reason    string
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

// Report is the outcome of a scan. Its findings are kept compact and
// handed out one at a time (Len, At, All): at 100,000 objects they are
// close to a million.
type Report struct {
	findings findingSet
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

// Run scans opts.Paths with the engine. A configuration file that names
// policy folders is an error: an engine is compiled with its rules, so a
// scan that reads such files needs RunWith.
func Run(ctx context.Context, engine *rules.Engine, opts Options) (*Report, error) {
	return RunWith(ctx, func(folders []rules.Folder) (*rules.Engine, error) {
		if len(folders) > 0 {
			return nil, fmt.Errorf("configuration names policy folder %s, which a compiled engine cannot add", folders[0].Name)
		}
		return engine, nil
	}, opts)
}

// RunWith is Run with an engine it asks for once the paths are resolved. It
// hands getEngine the policy folders the configuration files name (none
// when they name none), whose rules the engine must hold.
//
// A scan reads its files twice so that its memory grows with what
// cross-object rules read, not with the repository: first only the objects
// of the kinds those rules read (input.inventory), so that every scope is
// complete before any object is judged; then every object, each judged as
// its file loads and released once its findings are placed.
func RunWith(ctx context.Context, getEngine func(folders []rules.Folder) (*rules.Engine, error), opts Options) (*Report, error) {
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
	stdin := readStdin(rep, &opts)
	cfgs := newConfigs(opts)
	paths := resolvePaths(rep, cfgs, opts, stdin)
	engine, err := getEngine(cfgs.policyFolders())
	if err != nil {
		return nil, err
	}
	today := config.NewDate(opts.Now)
	keep := newRetainer()
	targets, verdicts, err := readAndJudge(ctx, rep, engine, paths, judgeEnv{today: today, opts: opts, keep: keep})
	if err != nil {
		return nil, err
	}
	cfgs.checkRules(rep, engine)
	env := cmp.Or(opts.Environment, "production")
	cfgFindings, cfgTargets, err := judgeConfigs(ctx, engine, cfgs, targets, verdicts, env, today)
	if err != nil {
		return nil, err
	}
	collect(rep, keep, targets, verdicts, cfgFindings, cfgTargets)
	Sort(rep)
	Tally(rep)
	return rep, nil
}

// readAndJudge reads the paths twice, first the inventory, then every
// object to judge it in env with that inventory, and reads them again with
// an exact first read when the first kept objects the second did not load
// (gathered.matches).
func readAndJudge(ctx context.Context, rep *Report, engine *rules.Engine, paths []scanPath, env judgeEnv) ([]target, []verdict, error) {
	// One checker for every read: it learns each Go type's shape once; and
	// each chart and kustomization is rendered once for every read.
	rd := reading{checker: kube.NewChecker(), renders: &source.Renders{}}
	judge := func(exact bool) (*gathered, []target, []verdict, error) {
		g := gatherInventory(engine, paths, env.opts, rd, exact)
		env.inventory, env.objects = g.inventory, g.objects
		targets, verdicts, err := loadAndJudge(ctx, rep, engine, paths, env, rd)
		return g, targets, verdicts, err
	}
	errs, summary := len(rep.Errors), rep.Summary
	g, targets, verdicts, err := judge(false)
	if err != nil || g.matches(targets) {
		return targets, verdicts, err
	}
	rep.Errors, rep.Summary = rep.Errors[:errs], summary
	_, targets, verdicts, err = judge(true)
	return targets, verdicts, err
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
	env  string
	kept []keptFinding
	// err is an evaluation error: an input problem, reported beside the
	// findings of the rules that could be evaluated.
	err *source.Error
	// matched lists the configuration's exemptions that matched a finding.
	matched []int
}

// scanPath is a path to scan with its profiles and configuration.
type scanPath struct {
	path     string
	profiles *profileSet
	config   *Configuration
	// stdin is standard input, read once for every read of "-".
	stdin []byte
}

// resolvePaths finds each path's profiles and configuration, reporting in
// rep the paths whose profiles cannot be read: those are not scanned.
func resolvePaths(rep *Report, cfgs *configs, opts Options, stdin []byte) []scanPath {
	var out []scanPath
	for _, p := range opts.Paths {
		ps, err := profilesFor(p, opts)
		if err != nil {
			rep.Errors = append(rep.Errors, source.Error{File: p, Message: err.Error()})
			continue
		}
		out = append(out, scanPath{path: p, profiles: ps, config: cfgs.forPath(rep, p), stdin: stdin})
	}
	return out
}

// loadOptions are the source options of a path.
func (sp scanPath) loadOptions(opts Options, rd reading) source.Options {
	var stdin io.Reader
	if opts.Stdin != nil {
		stdin = bytes.NewReader(sp.stdin)
	}
	return source.Options{Exclude: sp.config.excludes(opts.Exclude), Stdin: stdin, WorkDir: opts.WorkDir, BuildArgs: opts.BuildArgs, Helm: opts.Helm, Checker: rd.checker, Kustomize: opts.Kustomize, Renders: rd.renders}
}

// reading is what a scan's reads of its paths share.
type reading struct {
	checker *kube.Checker
	renders *source.Renders
}

// readStdin reads standard input once, when a path names it, so that
// both of a scan's reads see it. Input that cannot be read is reported in
// rep, as any unreadable file, and "-" is left out of the paths.
func readStdin(rep *Report, opts *Options) []byte {
	if opts.Stdin == nil || !slices.Contains(opts.Paths, "-") {
		return nil
	}
	src, err := io.ReadAll(opts.Stdin)
	if err != nil {
		rep.Errors = append(rep.Errors, source.Error{File: source.StdinName, Message: fmt.Sprintf("read: %v", err)})
		opts.Paths = slices.DeleteFunc(slices.Clone(opts.Paths), func(p string) bool { return p == "-" })
	}
	return src
}

// collect adds the verdicts to rep in load order, then the findings and
// targets of the configuration files. The verdicts' findings stay in the
// compact form keep gave them, each now pointing at its object's subject.
func collect(rep *Report, keep *retainer, targets []target, verdicts []verdict, cfgFindings []Finding, cfgTargets []Target) {
	total := len(cfgFindings)
	for _, v := range verdicts {
		total += len(v.kept)
	}
	s := &rep.findings
	s.text = keep
	s.kept = make([]keptFinding, 0, total)
	rep.Targets = make([]Target, 0, len(targets)+len(cfgTargets))
	for i, t := range targets {
		o, v := t.obj, verdicts[i]
		var disabled []string
		if t.config != nil {
			disabled = t.config.Disabled()
		}
		rep.Targets = append(rep.Targets, Target{Domain: o.Domain, File: o.File, Line: o.Line, Kind: o.Kind, Namespace: o.Namespace, Name: o.Name, Environment: v.env, Disabled: disabled})
		if len(v.kept) > 0 {
			n := uint32(len(s.subjects))
			s.subjects = append(s.subjects, subject{apiVersion: o.APIVersion, kind: o.Kind, namespace: o.Namespace, name: o.Name, environment: v.env, root: o.Root})
			for _, k := range v.kept {
				k.subject = n
				s.kept = append(s.kept, k)
			}
		}
		// Each verdict's copy can go as soon as it is in the report's.
		verdicts[i].kept = nil
		if v.err != nil {
			rep.Errors = append(rep.Errors, *v.err)
		}
	}
	rep.Add(cfgFindings...)
	rep.Targets = append(rep.Targets, cfgTargets...)
}

// Tally counts rep's findings by severity, its suppressed findings and its
// errors into its summary, once the findings and errors are all in.
func Tally(rep *Report) {
	if rep.Summary.BySeverity == nil {
		rep.Summary.BySeverity = map[rules.Severity]int{}
	}
	for i := range rep.Len() {
		if rep.Suppressed(i) {
			rep.Summary.Suppressed++
		} else {
			rep.Summary.BySeverity[rep.severityOf(i)]++
		}
	}
	rep.Summary.Errors = len(rep.Errors)
}
