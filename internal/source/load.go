// Package source finds and reads the files slotcheck lints and turns them into
// objects that keep their place in the file: every field of every object can
// be traced back to a line and column.
package source

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/slotwise/slotcheck/internal/kube"
)

// StdinName is how objects read from standard input are named in reports.
const StdinName = "<stdin>"

// Error is an input problem: the file, the line (0 when the whole file is
// concerned) and what is wrong.
type Error struct {
	File    string
	Line    int
	Column  int
	Message string
}

func (e Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Message)
}

// Result is everything a load found.
type Result struct {
	Objects []*Object
	Errors  []Error
	// Files counts the files read.
	Files int
	// Skipped counts YAML documents that are not Kubernetes objects.
	Skipped int
	// Charts lists the Helm chart folders rendered.
	Charts []string
	// Patches counts files a kustomization names as patches: fragments
	// merged into other objects, not objects of their own.
	Patches int
	// Kustomizations lists the kustomization roots rendered.
	Kustomizations []string
}

// Options tunes a load.
type Options struct {
	// Exclude holds glob patterns: one without a slash matches any file or
	// folder name, one with a slash the whole relative path; ** spans folders.
	Exclude []string
	// Stdin is read for the path "-".
	Stdin io.Reader
	// BuildArgs override the defaults of a Dockerfile's ARGs, as docker
	// build --build-arg does.
	BuildArgs map[string]string
	// Helm renders the charts found.
	Helm HelmOptions
	// WorkDir makes paths relative for reports; empty means the process's.
	WorkDir string
	// Kustomize renders the kustomizations found (see kustomize.go);
	// without it their files are read one by one.
	Kustomize bool
	// Checker decodes built-in kinds strictly. It learns each Go type's
	// shape once, which costs more than judging a small object, so a caller
	// that loads again and again (the webhook, once per review) passes the
	// same one; nil means a new one for this load.
	Checker *kube.Checker
	// Kinds, when not nil, keeps only the Kubernetes objects of these kinds:
	// the others are dropped right after the YAML parse, before the costly
	// checks and conversion; a file, or a document of a file, whose text
	// cannot name one of them is not parsed at all, and Dockerfiles are not
	// read. A scan gathers the objects cross-object rules read this way
	// before it judges. Its errors and counts are those of the objects
	// kept. Past a YAML syntax error in a document it did not parse, it
	// may keep objects that a load without Kinds does not read: never
	// fewer.
	Kinds []string
	// KeepText keeps of each object read from a YAML file, in place of its
	// tree, the text of its document, which Locate parses again: for
	// objects kept for long and placed in rarely.
	KeepText bool
	// Each, when set, is handed the objects of each file, chart or
	// kustomization as soon as they are read, before they join the result
	// in their order: possibly from several goroutines at once. A scan
	// judges them there and releases their trees (Object.Release), so that
	// a load's memory does not grow with every object read.
	Each func(objs []*Object)
	// Renders, when set, keeps what charts and kustomizations render to
	// for the next load that shares it: a scan renders each once for both
	// of its reads.
	Renders *Renders
}

// each hands objs to Options.Each, if any.
func (opts Options) each(objs []*Object) {
	if opts.Each != nil && len(objs) > 0 {
		opts.Each(objs)
	}
}

// checker is the checker opts names, else a new one.
func (opts Options) checker() *kube.Checker {
	if opts.Checker != nil {
		return opts.Checker
	}
	return kube.NewChecker()
}

// Load reads every path: files whatever their name, folders recursively
// (.yaml, .yml and .json files; hidden folders and Helm charts skipped).
// Problems with one file never stop the others: they are collected in
// Result.Errors.
func Load(paths []string, opts Options) *Result {
	l := &loader{opts: opts, res: &Result{}, checker: opts.checker()}
	if l.opts.WorkDir == "" {
		l.opts.WorkDir, _ = os.Getwd()
	}
	l.setExcludes(opts.Exclude)
	for _, p := range paths {
		l.path(p)
	}
	sort.Strings(l.res.Charts)
	sort.Strings(l.res.Kustomizations)
	return l.res
}

// Parse reads one file's content, a manifest or (by its name) a
// Dockerfile, as Load would read it from disk. The admission webhook reads
// the objects the API server sends through it.
func Parse(name string, src []byte, opts Options) *Result {
	l := &loader{opts: opts, res: &Result{}, checker: opts.checker()}
	if IsDockerfileName(name) {
		l.dockerfile(l.res, name, src)
	} else {
		l.parse(l.res, &converter{}, name, src)
	}
	return l.res
}

type loader struct {
	checker  *kube.Checker
	opts     Options
	res      *Result
	excludes []string
}

// files reads files and renders charts in parallel and adds what they hold
// in their order, so that the result does not depend on scheduling.
func (l *loader) files(paths, charts []string) {
	results := make([]Result, len(paths)+len(charts))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(results)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// One converter per worker: its interned strings serve every
			// file the worker reads, however few objects each holds.
			c := &converter{}
			for i := range next {
				if i < len(paths) {
					l.file(&results[i], c, paths[i])
				} else {
					l.chart(&results[i], c, charts[i-len(paths)])
				}
				l.opts.each(results[i].Objects)
			}
		}()
	}
	for i := range results {
		next <- i
	}
	close(next)
	wg.Wait()
	for i := range results {
		r := &results[i]
		l.res.Objects = append(l.res.Objects, r.Objects...)
		l.res.Errors = append(l.res.Errors, r.Errors...)
		l.res.Files += r.Files
		l.res.Skipped += r.Skipped
		l.res.Charts = append(l.res.Charts, r.Charts...)
	}
}

func (l *loader) file(res *Result, c *converter, p string) {
	src, err := os.ReadFile(p)
	if err != nil {
		res.errorf(l.display(p), 0, 0, "%v", unwrapPathError(err))
		return
	}
	if IsDockerfileName(p) {
		l.dockerfile(res, l.display(p), src)
		return
	}
	l.parse(res, c, l.display(p), src)
}

// named reads a file given on the command line: whatever its name, it may
// be a Dockerfile, which the content tells when the name does not.
func (l *loader) named(res *Result, c *converter, p string) {
	src, err := os.ReadFile(p)
	if err != nil {
		res.errorf(l.display(p), 0, 0, "%v", unwrapPathError(err))
		return
	}
	switch strings.ToLower(filepath.Ext(p)) {
	case ".yaml", ".yml", ".json":
		l.parse(res, c, l.display(p), src)
		return
	}
	if IsDockerfileName(p) || looksLikeDockerfile(src) {
		l.dockerfile(res, l.display(p), src)
		return
	}
	l.parse(res, c, l.display(p), src)
}

func (l *loader) errorf(file string, line, col int, format string, args ...any) {
	l.res.errorf(file, line, col, format, args...)
}

func (res *Result) errorf(file string, line, col int, format string, args ...any) {
	res.Errors = append(res.Errors, Error{File: file, Line: line, Column: col, Message: fmt.Sprintf(format, args...)})
}

// display is the path as reports show it.
func (l *loader) display(p string) string {
	if abs, err := filepath.Abs(p); err == nil && l.opts.WorkDir != "" {
		if rel, err := filepath.Rel(l.opts.WorkDir, abs); err == nil && !strings.HasPrefix(rel, "..") {
			p = rel
		}
	}
	return filepath.ToSlash(filepath.Clean(p))
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
