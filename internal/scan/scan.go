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
	"path/filepath"
	"runtime"
	"slices"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"

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
}

// Summary counts what a scan saw.
type Summary struct {
	Files      int
	Objects    int
	Skipped    int
	Charts     []string
	Patches    int
	Errors     int
	Suppressed int
	BySeverity map[rules.Severity]int
}

// Target is an object a scan judged, for reports that list what passed too.
type Target struct {
	// Domain says which rules judged it: "k8s" or "dockerfile".
	Domain      string
	File        string
	Line        int
	Kind        string
	Namespace   string
	Name        string
	Environment string
}

// Report is the outcome of a scan.
type Report struct {
	Findings []Finding
	Errors   []source.Error
	Summary  Summary
	// Targets lists the objects judged, in load order.
	Targets []Target
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
	rep := &Report{Summary: Summary{BySeverity: map[rules.Severity]int{}}}
	type loaded struct {
		obj      *source.Object
		profiles *profileSet
	}
	var targets []loaded
	inventory := rules.NewInventory()
	objects := Objects{}
	for _, p := range opts.Paths {
		ps, err := profilesFor(p, opts)
		if err != nil {
			rep.Errors = append(rep.Errors, source.Error{File: p, Message: err.Error()})
			continue
		}
		res := source.Load([]string{p}, source.Options{Exclude: opts.Exclude, Stdin: opts.Stdin, WorkDir: opts.WorkDir, BuildArgs: opts.BuildArgs, Helm: opts.Helm})
		rep.Errors = append(rep.Errors, res.Errors...)
		rep.Summary.Files += res.Files
		rep.Summary.Skipped += res.Skipped
		rep.Summary.Charts = append(rep.Summary.Charts, res.Charts...)
		rep.Summary.Patches += res.Patches
		for _, o := range res.Objects {
			targets = append(targets, loaded{o, ps})
			if o.Domain == "k8s" {
				inventory.Add(o.Kind, o.Namespace, o.Value)
				objects.add(o)
			}
		}
	}
	rep.Summary.Objects = len(targets)
	engine, err := getEngine()
	if err != nil {
		return nil, err
	}

	workers := cmp.Or(opts.Parallelism, runtime.GOMAXPROCS(0))
	results := make([][]Finding, len(targets))
	envs := make([]string, len(targets))
	evalErrs := make([]*source.Error, len(targets))
	var internal error
	var once sync.Once
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t := targets[i]
				env := rules.ResolveEnvironment(opts.Environment, t.obj.Namespace, t.obj.File)
				envs[i] = env
				profile, err := t.profiles.value(env)
				if err != nil {
					once.Do(func() { internal = err })
					continue
				}
				fs, err := Judge(ctx, engine, t.obj, Context{Environment: env, Profile: profile, Inventory: inventory.Value(t.obj.Namespace), Objects: objects})
				var ee *rules.EvalError
				switch {
				case errors.As(err, &ee):
					pos := t.obj.Locate(nil, "")
					evalErrs[i] = &source.Error{File: t.obj.File, Line: pos.Line, Column: pos.Column,
						Message: fmt.Sprintf("%s: %v", identity(t.obj), ee)}
				case err != nil:
					once.Do(func() { internal = fmt.Errorf("%s %s: %w", t.obj.File, identity(t.obj), err) })
					continue
				}
				// Sorted here, in parallel: objects come in file order and
				// do not share lines, so the final sort mostly only checks.
				slices.SortStableFunc(fs, compareFindings)
				results[i] = fs
			}
		}()
	}
	for i := range targets {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if internal != nil {
		return nil, internal
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	total := 0
	for _, fs := range results {
		total += len(fs)
	}
	rep.Findings = make([]Finding, 0, total)
	rep.Targets = make([]Target, 0, len(targets))
	for i := range targets {
		o := targets[i].obj
		rep.Targets = append(rep.Targets, Target{Domain: o.Domain, File: o.File, Line: o.Line, Kind: o.Kind, Namespace: o.Namespace, Name: o.Name, Environment: envs[i]})
		rep.Findings = append(rep.Findings, results[i]...)
		if evalErrs[i] != nil {
			rep.Errors = append(rep.Errors, *evalErrs[i])
		}
	}
	Sort(rep)
	for _, f := range rep.Findings {
		if f.Suppressed {
			rep.Summary.Suppressed++
		} else {
			rep.Summary.BySeverity[f.Severity]++
		}
	}
	rep.Summary.Errors = len(rep.Errors)
	return rep, nil
}

// Context is what one judgement needs beside the object.
type Context struct {
	Environment string
	Profile     ast.Value
	Inventory   ast.Value
	// Admission leaves out the rules that judge repository files only.
	Admission bool
	// Objects places a violation in another object than the target (the
	// HPA a cross-object rule blames); without it, or when the object is
	// not there, the violation is placed at the target's first line.
	Objects Objects
}

// Objects are the Kubernetes objects of a scan by kind, namespace and name.
type Objects map[rules.ObjectRef]*source.Object

// add records o unless an object of its identity came first.
func (objs Objects) add(o *source.Object) {
	ref := rules.ObjectRef{Kind: o.Kind, Namespace: o.Namespace, Name: o.Name}
	if _, ok := objs[ref]; !ok {
		objs[ref] = o
	}
}

// Judge evaluates one object and places each violation in it: the one path
// from an object to findings, which the CLI's scan and the admission webhook
// share so that both give the same verdict. With an *rules.EvalError it
// still returns the findings of the rules that could be evaluated.
func Judge(ctx context.Context, engine *rules.Engine, o *source.Object, c Context) ([]Finding, error) {
	vs, err := engine.Evaluate(ctx, rules.Input{
		Domain:      o.Domain,
		Object:      o.Value,
		Environment: c.Environment,
		Profile:     c.Profile,
		Inventory:   c.Inventory,
		Admission:   c.Admission,
	})
	var ee *rules.EvalError
	if err != nil && !errors.As(err, &ee) {
		return nil, err
	}
	return findings(o, c, vs), err
}

// findings places each violation in the file and at the line of the object
// its path lies in; the finding stays the target's.
func findings(o *source.Object, c Context, vs []rules.Violation) []Finding {
	env := c.Environment
	out := make([]Finding, 0, len(vs))
	for _, v := range vs {
		at, path := o, v.Path
		if v.Object != nil {
			if other := c.Objects[*v.Object]; other != nil {
				at = other
			} else {
				path = nil
			}
		}
		pos := at.Locate(path, v.Token)
		msg := v.Message
		if pos.Note != "" {
			msg += " (" + pos.Note + ")"
		}
		out = append(out, Finding{
			Rule:        v.Rule,
			Severity:    v.Severity,
			Message:     msg,
			File:        at.File,
			Line:        pos.Line,
			Column:      pos.Column,
			EndColumn:   pos.EndColumn,
			Kind:        o.Kind,
			Namespace:   o.Namespace,
			Name:        o.Name,
			Container:   v.Container,
			Environment: env,
			FieldPath:   source.FieldPath(v.Path),
			Path:        v.Path,
			Suppressed:  v.Suppressed,
			Reason:      v.Reason,
		})
	}
	return out
}

func identity(o *source.Object) string {
	if o.Namespace != "" {
		return o.Kind + "/" + o.Namespace + "/" + o.Name
	}
	return o.Kind + "/" + o.Name
}

// Evaluated lists the rules a scan evaluated: those of a target's domain
// that apply in the environment it was judged in.
func (rep *Report) Evaluated(all []*rules.Rule) []*rules.Rule {
	var out []*rules.Rule
	for _, r := range all {
		if slices.ContainsFunc(rep.Targets, func(t Target) bool { return Judges(r, t) }) {
			out = append(out, r)
		}
	}
	return out
}

// Judges reports whether a rule was evaluated on a target.
func Judges(r *rules.Rule, t Target) bool {
	return r.Domain == t.Domain && r.AppliesIn(t.Environment)
}

// Sort puts findings in file, line, column, id order and errors in file,
// line order, so that output never depends on scheduling.
func Sort(rep *Report) {
	if !slices.IsSortedFunc(rep.Findings, compareFindings) {
		slices.SortStableFunc(rep.Findings, compareFindings)
	}
	slices.SortStableFunc(rep.Errors, func(a, b source.Error) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column), cmp.Compare(a.Message, b.Message))
	})
}

// compareFindings orders findings by file, line, column, id, container and
// message, comparing only as far as it must.
func compareFindings(a, b Finding) int {
	if a.File != b.File {
		return cmp.Compare(a.File, b.File)
	}
	if c := cmp.Compare(a.Line, b.Line); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Column, b.Column); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Rule.ID, b.Rule.ID); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Container, b.Container); c != 0 {
		return c
	}
	return cmp.Compare(a.Message, b.Message)
}

// profileSet is the profiles that apply to one scanned path, with their Rego
// values computed once.
type profileSet struct {
	mu     sync.Mutex
	p      *rules.Profiles
	values map[string]ast.Value
}

func (ps *profileSet) value(env string) (ast.Value, error) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if v, ok := ps.values[env]; ok {
		return v, nil
	}
	v, err := ps.p.Value(env)
	if err != nil {
		return nil, err
	}
	ps.values[env] = v
	return v, nil
}

// profilesFor layers the built-in profiles, the scanned repository's own
// environments/ folder (found from the path upwards, stopping at the
// repository root) and opts.ProfilesDir.
func profilesFor(p string, opts Options) (*profileSet, error) {
	prof, err := rules.BuiltinProfiles()
	if err != nil {
		return nil, err
	}
	if p != "-" {
		if dir := findEnvironments(p); dir != "" {
			if _, err := prof.Override(dir); err != nil {
				return nil, err
			}
		}
	}
	if opts.ProfilesDir != "" {
		found, err := prof.Override(opts.ProfilesDir)
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, fmt.Errorf("--profiles %s: no development.yaml, staging.yaml or production.yaml there", opts.ProfilesDir)
		}
	}
	return &profileSet{p: prof, values: map[string]ast.Value{}}, nil
}

func findEnvironments(p string) string {
	dir, err := filepath.Abs(p)
	if err != nil {
		return ""
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		dir = filepath.Dir(dir)
	}
	for {
		cand := filepath.Join(dir, "environments")
		if info, err := os.Stat(cand); err == nil && info.IsDir() {
			return cand
		}
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}
