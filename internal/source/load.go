// Package source finds and reads the files slotcheck lints and turns them into
// objects that keep their place in the file: every field of every object can
// be traced back to a line and column.
package source

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"gopkg.in/yaml.v3"

	"github.com/slotwise/slotcheck/internal/kube"
)

// StdinName is how objects read from standard input are named in reports.
const StdinName = "<stdin>"

// Object is one target read from a file: a Kubernetes object, or a
// Dockerfile's model.
type Object struct {
	// File is the path as reported: relative to the working directory when
	// inside it, with forward slashes.
	File string
	// Domain says which rules judge it: "k8s" or "dockerfile".
	Domain string
	// Node is a Kubernetes object's YAML mapping; nil for a Dockerfile.
	Node *yaml.Node
	// Line is where the object starts.
	Line    int
	locator *dockerfileLocator
	// template holds the lines of the Helm template an object was rendered
	// from: findings point there, not at the rendered text.
	template []string
	// Value is the object as the rules see it.
	Value      ast.Value
	APIVersion string
	Kind       string
	Name       string
	Namespace  string
}

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
}

// Load reads every path: files whatever their name, folders recursively
// (.yaml, .yml and .json files; hidden folders and Helm charts skipped).
// Problems with one file never stop the others: they are collected in
// Result.Errors.
func Load(paths []string, opts Options) *Result {
	l := &loader{opts: opts, res: &Result{}, checker: kube.NewChecker()}
	if l.opts.WorkDir == "" {
		l.opts.WorkDir, _ = os.Getwd()
	}
	for _, p := range opts.Exclude {
		re, err := globRegexp(p)
		if err != nil {
			l.res.Errors = append(l.res.Errors, Error{File: p, Message: fmt.Sprintf("--exclude: %v", err)})
			continue
		}
		l.excludes = append(l.excludes, re)
	}
	for _, p := range paths {
		l.path(p)
	}
	sort.Strings(l.res.Charts)
	return l.res
}

// Parse reads one file's content, a manifest or (by its name) a
// Dockerfile, as Load would read it from disk. The admission webhook reads
// the objects the API server sends through it.
func Parse(name string, src []byte, opts Options) *Result {
	l := &loader{opts: opts, res: &Result{}, checker: kube.NewChecker()}
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
	excludes []*regexp.Regexp
}

func (l *loader) path(p string) {
	if p == "-" {
		if l.opts.Stdin == nil {
			l.errorf(StdinName, 0, 0, "no standard input")
			return
		}
		src, err := io.ReadAll(l.opts.Stdin)
		if err != nil {
			l.errorf(StdinName, 0, 0, "read: %v", err)
			return
		}
		l.parse(l.res, &converter{}, StdinName, src)
		return
	}
	info, err := os.Stat(p)
	if err != nil {
		l.errorf(l.display(p), 0, 0, "%v", unwrapPathError(err))
		return
	}
	if !info.IsDir() {
		l.named(l.res, &converter{}, p)
		return
	}
	var files, charts []string
	patches := map[string]bool{}
	err = filepath.WalkDir(p, func(fp string, d fs.DirEntry, err error) error {
		if err != nil {
			l.errorf(l.display(fp), 0, 0, "%v", unwrapPathError(err))
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if l.excluded(fp, p) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if fp != p && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			if _, err := os.Stat(filepath.Join(fp, "Chart.yaml")); err == nil {
				charts = append(charts, fp)
				return fs.SkipDir
			}
			for _, patch := range kustomizePatches(fp) {
				patches[patch] = true
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		switch strings.ToLower(filepath.Ext(fp)) {
		case ".yaml", ".yml", ".json":
			files = append(files, fp)
		default:
			if IsDockerfileName(fp) {
				files = append(files, fp)
			}
		}
		return nil
	})
	if err != nil {
		l.errorf(l.display(p), 0, 0, "%v", err)
	}
	var manifests []string
	for _, fp := range files {
		if abs, err := filepath.Abs(fp); err == nil && patches[abs] {
			l.res.Patches++
			continue
		}
		manifests = append(manifests, fp)
	}
	l.files(manifests, charts)
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

// kustomizePatches lists the files a folder's kustomization merges into
// other objects (patches, patchesStrategicMerge, patchesJson6902), as
// absolute paths. A kustomization that cannot be read names none: its
// problems are Kustomize's to report when it builds.
func kustomizePatches(dir string) []string {
	var src []byte
	for _, name := range []string{"kustomization.yaml", "kustomization.yml", "Kustomization"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err == nil {
			src = b
			break
		}
	}
	if src == nil {
		return nil
	}
	var k struct {
		Patches []struct {
			Path string `yaml:"path"`
		} `yaml:"patches"`
		PatchesJSON6902 []struct {
			Path string `yaml:"path"`
		} `yaml:"patchesJson6902"`
		PatchesStrategicMerge []string `yaml:"patchesStrategicMerge"`
	}
	if yaml.Unmarshal(src, &k) != nil {
		return nil
	}
	var rel []string
	for _, p := range k.Patches {
		rel = append(rel, p.Path)
	}
	for _, p := range k.PatchesJSON6902 {
		rel = append(rel, p.Path)
	}
	// patchesStrategicMerge entries are file paths or inline patches.
	for _, p := range k.PatchesStrategicMerge {
		if !strings.Contains(p, "\n") && !strings.Contains(p, ":") {
			rel = append(rel, p)
		}
	}
	var out []string
	for _, r := range rel {
		if r == "" {
			continue
		}
		if abs, err := filepath.Abs(filepath.Join(dir, r)); err == nil {
			out = append(out, abs)
		}
	}
	return out
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

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parserProblems are the errors of yaml.v3's parser (not its scanner). For
// them yaml.v3 prints the 0-based line of the construct that failed (or of
// the problem), where scanner errors get a 1-based line: slotcheck adds the
// missing one so that every reported line is the file's own.
var parserProblems = map[string]bool{
	"did not find expected <document start>": true,
	"found undefined tag handle":             true,
	"did not find expected node content":     true,
	"did not find expected '-' indicator":    true,
	"did not find expected key":              true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found duplicate %TAG directive":         true,
}

// parse reads every document of a file. A syntax error ends the file (the
// YAML stream cannot be resumed), but the documents before it still count.
func (l *loader) parse(res *Result, c *converter, name string, src []byte) {
	res.Files++
	if bytes.IndexByte(src, 0) >= 0 {
		res.errorf(name, 0, 0, "binary file, not YAML or JSON")
		return
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			line, msg := 0, err.Error()
			if m := yamlLine.FindStringSubmatch(msg); m != nil {
				line, _ = strconv.Atoi(m[1])
				msg = m[2]
				if parserProblems[msg] {
					line++
				}
			} else if parserProblems[strings.TrimPrefix(msg, "yaml: ")] {
				line = 1
			}
			// A problem found at the end of the stream belongs to the last
			// line that holds anything.
			if last := bytes.Count(bytes.TrimRight(src, " \t\r\n"), []byte("\n")) + 1; line > last {
				line = last
			}
			res.errorf(name, line, 0, "invalid YAML: %s", strings.TrimPrefix(msg, "yaml: "))
			return
		}
		if len(doc.Content) == 0 {
			continue // an empty document between separators
		}
		l.document(res, c, name, doc.Content[0])
	}
}

func (l *loader) document(res *Result, c *converter, name string, root *yaml.Node) {
	root = resolve(root)
	if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		return // a document holding only comments
	}
	if root.Kind != yaml.MappingNode {
		res.Skipped++
		return
	}
	apiVersion, kind := scalarField(root, "apiVersion"), scalarField(root, "kind")
	if apiVersion == "" || kind == "" || isToolConfig(apiVersion) {
		res.Skipped++
		return
	}
	if _, items := lookup(root, "items", 0); items != nil && strings.HasSuffix(kind, "List") {
		items = resolve(items)
		if items.Kind == yaml.ScalarNode && items.ShortTag() == "!!null" {
			return
		}
		if items.Kind != yaml.SequenceNode {
			res.errorf(name, items.Line, items.Column, "%s: items must be a list", kind)
			return
		}
		for _, it := range items.Content {
			l.document(res, c, name, it)
		}
		return
	}
	val, err := c.toValue(root)
	if err != nil {
		var ve *valueError
		if errors.As(err, &ve) {
			res.errorf(name, ve.line, ve.column, "%s", ve.msg)
		} else {
			res.errorf(name, root.Line, root.Column, "%v", err)
		}
		return
	}
	obj := &Object{File: name, Domain: "k8s", Node: root, Line: root.Line, Value: val, APIVersion: apiVersion, Kind: kind}
	if _, meta := lookup(root, "metadata", 0); meta != nil {
		meta = resolve(meta)
		obj.Name = scalarField(meta, "name")
		obj.Namespace = scalarField(meta, "namespace")
	}
	if l.schemaErrors(res, c, obj) {
		return
	}
	res.Objects = append(res.Objects, obj)
}

// schemaErrors reports what the API server would reject in a built-in kind;
// such an object is not linted, since rules would judge fields that cannot
// be applied as written.
func (l *loader) schemaErrors(res *Result, c *converter, o *Object) bool {
	if !l.checker.Known(o.APIVersion, o.Kind) || l.checker.Accepts(o.APIVersion, o.Kind, o.Value) {
		return false
	}
	// The converter's buffer is reused from object to object: the checker
	// keeps nothing of the manifest.
	manifest, ok := kube.AppendJSON(c.json[:0], o.Value)
	if ok {
		c.json = manifest
	} else {
		raw, err := ast.JSON(o.Value)
		if err != nil {
			res.errorf(o.File, o.Node.Line, o.Node.Column, "%s: %v", o.identity(), err)
			return true
		}
		if manifest, err = json.Marshal(raw); err != nil {
			res.errorf(o.File, o.Node.Line, o.Node.Column, "%s: %v", o.identity(), err)
			return true
		}
	}
	problems := l.checker.Check(o.APIVersion, o.Kind, manifest)
	for _, p := range problems {
		path := p.Path
		if p.Loose {
			path = Concrete(o.Node, path)
		}
		pos := Locate(o.Node, path)
		if p.AtKey {
			pos = LocateKey(o.Node, path)
		}
		where := o.identity()
		if len(path) > 0 {
			where += " " + FieldPath(path)
		}
		res.errorf(o.File, pos.Line, pos.Column, "%s: %s", where, p.Message)
	}
	return len(problems) > 0
}

// Locate finds the field at path, or a Dockerfile instruction and the
// token on its lines; see the package's Locate for Kubernetes objects.
func (o *Object) Locate(path []any, token string) Position {
	if o.locator != nil {
		return o.locator.locate(path, token)
	}
	if o.template != nil {
		return templatePosition(o.template, o.Node, path, Locate(o.Node, path))
	}
	return Locate(o.Node, path)
}

// identity names the object as kubectl does: Kind/namespace/name.
func (o *Object) identity() string {
	if o.Namespace != "" {
		return o.Kind + "/" + o.Namespace + "/" + o.Name
	}
	return o.Kind + "/" + o.Name
}

// isToolConfig recognises files of client-side tools that look like objects
// (apiVersion and kind) but are never sent to a cluster.
func isToolConfig(apiVersion string) bool {
	return strings.HasPrefix(apiVersion, "kustomize.config.k8s.io/") || strings.HasPrefix(apiVersion, "skaffold/")
}

func scalarField(m *yaml.Node, key string) string {
	_, v := lookup(m, key, 0)
	if v == nil {
		return ""
	}
	v = resolve(v)
	if v.Kind != yaml.ScalarNode {
		return ""
	}
	return v.Value
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

func (l *loader) excluded(fp, root string) bool {
	if len(l.excludes) == 0 {
		return false
	}
	rel := filepath.ToSlash(fp)
	if r, err := filepath.Rel(root, fp); err == nil {
		rel = filepath.ToSlash(r)
	}
	candidates := []string{rel, l.display(fp), filepath.Base(fp)}
	for _, re := range l.excludes {
		for _, c := range candidates {
			if re.MatchString(c) {
				return true
			}
		}
	}
	return false
}

// globRegexp compiles a glob: * and ? stay within a path segment, ** spans
// segments. A pattern without a slash matches a single name.
func globRegexp(pattern string) (*regexp.Regexp, error) {
	if pattern == "" {
		return nil, errors.New("empty pattern")
	}
	var b strings.Builder
	b.WriteString("^")
	p := strings.TrimPrefix(filepath.ToSlash(pattern), "./")
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '*':
			if i+1 < len(p) && p[i+1] == '*' {
				i++
				if i+1 < len(p) && p[i+1] == '/' {
					i++
					b.WriteString("(?:.*/)?")
				} else {
					b.WriteString(".*")
				}
			} else {
				b.WriteString("[^/]*")
			}
		case '?':
			b.WriteString("[^/]")
		case '[':
			j := strings.IndexByte(p[i:], ']')
			if j < 0 {
				return nil, fmt.Errorf("pattern %q: unclosed [", pattern)
			}
			b.WriteString(p[i : i+j+1])
			i += j
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
