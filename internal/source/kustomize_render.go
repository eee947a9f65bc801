package source

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// Annotations Kustomize adds when asked (buildMetadata): slotcheck reads
// them to find each object's file, then removes them so that no rule sees
// what the repository does not hold.
const (
	originAnnotation         = "config.kubernetes.io/origin"
	transformationAnnotation = "alpha.config.kubernetes.io/transformations"
)

// kustomize renders the kustomization roots among the folders a scan
// walked and returns the files that are left to lint one by one: those no
// rendered root reaches. With Kustomize off it returns files as they are.
func (l *loader) kustomize(files, dirs []string) []string {
	if !l.opts.Kustomize {
		return files
	}
	g := &kustomizeGraph{l: l, byDir: map[string]*kustomization{}, errs: map[string]error{}}
	// A cycle is found while looking for roots and again when a root on
	// it is walked: the problems are deduplicated together.
	roots, problems := g.roots(dirs)
	walks := make([]*kustomizeWalk, len(roots))
	for i, r := range roots {
		walks[i] = g.walk(r)
	}
	results := make([]Result, len(roots))
	parallel(len(roots), func(c *converter, i int) {
		l.renderRoot(&results[i], c, roots[i], walks[i])
		l.opts.each(results[i].Objects)
	})
	reached := map[string]bool{}
	for i := range results {
		r := &results[i]
		problems = append(problems, r.Errors...)
		l.res.Objects = append(l.res.Objects, r.Objects...)
		l.res.Skipped += r.Skipped
		l.res.Kustomizations = append(l.res.Kustomizations, r.Kustomizations...)
		if len(r.Kustomizations) > 0 {
			for f := range walks[i].files {
				reached[f] = true
			}
		}
	}
	l.res.Errors = append(l.res.Errors, dedupErrors(problems)...)
	// A base two overlays share is one file read.
	l.res.Files += len(reached)
	// A kustomization file that could not be read is reported as such,
	// not again as a manifest.
	for dir, err := range g.errs {
		if err != nil {
			reached[kustomizationFile(dir)] = true
		}
	}
	var rest []string
	for _, f := range files {
		if abs, err := filepath.Abs(f); err == nil && reached[abs] {
			continue
		}
		rest = append(rest, f)
	}
	return rest
}

// parallel runs job for 0..n-1 on GOMAXPROCS workers, each with its own
// converter.
func parallel(n int, job func(c *converter, i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &converter{}
			for i := range next {
				job(c, i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// renderRoot builds one root with Kustomize (once for every load that
// shares Options.Renders) and reads every object it renders, each placed in
// the file it came from.
func (l *loader) renderRoot(res *Result, c *converter, root *kustomization, w *kustomizeWalk) {
	if len(w.problems) > 0 {
		res.Errors = append(res.Errors, w.problems...)
		return
	}
	built := l.opts.Renders.root(root.dir, func() *renderedRoot { return buildRoot(root) })
	if built.err != nil {
		res.Errors = append(res.Errors, l.kustomizeError(root, w, built.err))
		return
	}
	display := l.display(root.dir)
	res.Kustomizations = append(res.Kustomizations, display)
	origins := &originFiles{l: l, docs: map[string][]*yaml.Node{}}
	for _, r := range built.resources {
		if r.err != nil {
			res.errorf(root.display, 0, 0, "Kustomize: %s: %v", r.name, r.err)
			continue
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(r.src, &doc); err != nil || len(doc.Content) == 0 {
			res.errorf(root.display, 0, 0, "Kustomize rendered unreadable YAML for %s: %v", r.name, err)
			continue
		}
		l.renderedObject(res, c, display, root, w, origins, r.origin, doc.Content[0])
	}
}

// buildRoot builds one root: each resource's origin and YAML, or the error
// that stopped the build.
func buildRoot(root *kustomization) *renderedRoot {
	m, err := buildKustomization(root)
	if err != nil {
		return &renderedRoot{err: err}
	}
	out := &renderedRoot{}
	for _, r := range m.Resources() {
		origin, _ := r.GetOrigin()
		src, err := r.AsYAML()
		out.resources = append(out.resources, renderedResource{origin: origin, name: r.CurId().String(), src: src, err: err})
	}
	return out
}

// buildKustomization runs Kustomize on root, as kustomize build does
// (files outside a kustomization's folder refused, no plugins that run
// programs), with origin annotations asked for on an in-memory copy of
// the root's kustomization.
func buildKustomization(root *kustomization) (resMap interface {
	Resources() []*resource.Resource
}, err error) {
	var k map[string]any
	if err := yaml.Unmarshal(root.src, &k); err != nil {
		return nil, err
	}
	if k == nil {
		k = map[string]any{}
	}
	meta, _ := k["buildMetadata"].([]any)
	k["buildMetadata"] = append(meta, types.OriginAnnotations)
	src, err := yaml.Marshal(k)
	if err != nil {
		return nil, err
	}
	opts := krusty.MakeDefaultOptions()
	opts.LoadRestrictions = types.LoadRestrictionsRootOnly
	opts.PluginConfig = types.DisabledPluginConfig()
	return krusty.MakeKustomizer(opts).Run(readOnlyFS{FileSystem: filesys.MakeFsOnDisk(), file: root.file, src: src}, root.dir)
}

// kustomizeError places an error of Kustomize's at the entry of a reached
// kustomization that names the path its message names (the longest one),
// else at the root's kustomization. Absolute paths become the paths
// reports show.
func (l *loader) kustomizeError(root *kustomization, w *kustomizeWalk, err error) Error {
	msg := err.Error()
	at := Error{File: root.display, Line: 1, Column: 1}
	longest := 0
	for _, k := range w.kustomizations {
		for _, e := range slices.Concat(k.dirs, k.files) {
			if len(e.path) > longest && e.node.Line > 0 && strings.Contains(msg, e.path) {
				at = Error{File: k.display, Line: e.node.Line, Column: e.node.Column}
				longest = len(e.path)
			}
		}
	}
	if l.opts.WorkDir != "" {
		msg = strings.ReplaceAll(msg, filepath.Clean(l.opts.WorkDir)+string(filepath.Separator), "")
	}
	at.Message = "Kustomize: " + msg
	return at
}

// readOnlyFS is the disk as Kustomize sees it during a build: the root's
// kustomization replaced by slotcheck's copy, and nothing written.
type readOnlyFS struct {
	filesys.FileSystem
	file string
	src  []byte
}

var errReadOnly = errors.New("slotcheck renders without writing files")

func (f readOnlyFS) ReadFile(p string) ([]byte, error) {
	if filepath.Clean(p) == f.file {
		return f.src, nil
	}
	return f.FileSystem.ReadFile(p)
}

func (f readOnlyFS) Open(p string) (filesys.File, error) {
	if filepath.Clean(p) == f.file {
		return nil, fmt.Errorf("open %s: read it with ReadFile", p)
	}
	return f.FileSystem.Open(p)
}

func (readOnlyFS) Create(string) (filesys.File, error)         { return nil, errReadOnly }
func (readOnlyFS) Mkdir(string) error                          { return errReadOnly }
func (readOnlyFS) MkdirAll(string) error                       { return errReadOnly }
func (readOnlyFS) RemoveAll(string) error                      { return errReadOnly }
func (readOnlyFS) WriteFile(string, []byte) error              { return errReadOnly }
func (f readOnlyFS) Walk(p string, fn filepath.WalkFunc) error { return f.FileSystem.Walk(p, fn) }

// renderedObject reads one rendered object: its value is what Kustomize
// rendered, its fields are found in the files that wrote them.
func (l *loader) renderedObject(res *Result, c *converter, display string, root *kustomization, w *kustomizeWalk, origins *originFiles, origin *resource.Origin, node *yaml.Node) {
	apiVersion, kind := scalarField(node, "apiVersion"), scalarField(node, "kind")
	if apiVersion == "" || kind == "" || isToolConfig(apiVersion, kind) {
		res.Skipped++
		return
	}
	if !l.selected(kind) {
		return
	}
	stripAnnotations(node, originAnnotation, transformationAnnotation)
	val, err := c.toValue(node)
	if err != nil {
		res.errorf(root.display, 0, 0, "Kustomize rendered %s: %v", kind, err)
		return
	}
	obj := &Object{Domain: "k8s", Node: node, Value: val, APIVersion: apiVersion, Kind: kind, Root: display}
	if _, meta := lookup(node, "metadata", 0); meta != nil {
		obj.Name = scalarField(resolve(meta), "name")
		obj.Namespace = scalarField(resolve(meta), "namespace")
	}
	loc := l.kustomizeLocator(root, w, origins, origin, node, obj)
	obj.File, obj.fields = loc.file, loc
	obj.Line = loc.locate(nil).Line
	if l.schemaErrors(res, c, obj) {
		return
	}
	res.Objects = append(res.Objects, obj)
}

// stripAnnotations removes annotations, and the annotations field when
// nothing else is left in it.
func stripAnnotations(node *yaml.Node, keys ...string) {
	_, meta := lookup(node, "metadata", 0)
	if meta == nil {
		return
	}
	meta = resolve(meta)
	_, ann := lookup(meta, "annotations", 0)
	if ann == nil || resolve(ann).Kind != yaml.MappingNode {
		return
	}
	ann = resolve(ann)
	ann.Content = removePairs(ann.Content, keys...)
	if len(ann.Content) == 0 {
		meta.Content = removePairs(meta.Content, "annotations")
	}
}

func removePairs(content []*yaml.Node, keys ...string) []*yaml.Node {
	out := content[:0]
	for i := 0; i+1 < len(content); i += 2 {
		if !slices.Contains(keys, content[i].Value) {
			out = append(out, content[i], content[i+1])
		}
	}
	return out
}

// originFiles reads the files rendered objects come from, once each.
type originFiles struct {
	l    *loader
	docs map[string][]*yaml.Node
}

// objects is every top mapping of a file; nil when it cannot be read.
func (o *originFiles) objects(abs string) []*yaml.Node {
	docs, ok := o.docs[abs]
	if !ok {
		docs, _ = readDocs(abs)
		o.docs[abs] = docs
	}
	return docs
}

// find is the object in a file that a rendered object came from: the one
// of its kind, else the one of its name, else the one whose name the
// rendered name holds (a prefix or suffix added).
func (o *originFiles) find(abs, kind, name string) *yaml.Node {
	var ofKind []*yaml.Node
	for _, d := range o.objects(abs) {
		if scalarField(d, "kind") == kind {
			ofKind = append(ofKind, d)
		}
	}
	if len(ofKind) == 1 {
		return ofKind[0]
	}
	var best *yaml.Node
	bestLen := -1
	for _, d := range ofKind {
		_, meta := lookup(d, "metadata", 0)
		if meta == nil {
			continue
		}
		n := scalarField(resolve(meta), "name")
		if n == name {
			return d
		}
		if strings.Contains(name, n) && len(n) > bestLen {
			best, bestLen = d, len(n)
		}
	}
	return best
}
