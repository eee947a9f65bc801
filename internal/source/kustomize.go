package source

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// kustomizationNames are the file names that make a folder a kustomization,
// in the order Kustomize looks for them.
var kustomizationNames = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// kustomization is one folder's kustomization file as slotcheck reads it:
// every entry keeps its node, so that problems and the fields it sets are
// reported at its line.
type kustomization struct {
	dir, file string // absolute
	display   string // the file as reports show it
	src       []byte
	node      *yaml.Node // the file's top mapping
	component bool
	// dirs are the folders it builds on (resources, components,
	// transformers that are kustomizations), each a kustomization.
	dirs []kustomizeEntry
	// files are the files it reads: resources, patches, generator inputs.
	files []kustomizeEntry
	// problems are what slotcheck refuses before Kustomize runs: remote
	// resources, missing files, helmCharts.
	problems []Error
	// setters are what it writes into the objects it builds, read once
	// (ownSetters) and shared by the roots rendered in parallel.
	once    sync.Once
	setters []targeted
}

// kustomizeEntry is a path a kustomization names, at its node.
type kustomizeEntry struct {
	path string // absolute
	node *yaml.Node
}

// kustomizationFile is the kustomization file of dir, or "".
func kustomizationFile(dir string) string {
	for _, name := range kustomizationNames {
		p := filepath.Join(dir, name)
		if info, err := os.Stat(p); err == nil && info.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

// readKustomization reads dir's kustomization and checks every path it
// names. It returns nil when dir holds none.
func (l *loader) readKustomization(dir string) (*kustomization, error) {
	file := kustomizationFile(dir)
	if file == "" {
		return nil, nil
	}
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", l.display(file), unwrapPathError(err))
	}
	k := &kustomization{dir: dir, file: file, display: l.display(file), src: src}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("%s: invalid YAML: %s", k.display, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	k.node = &yaml.Node{Kind: yaml.MappingNode}
	if len(doc.Content) > 0 && resolve(doc.Content[0]).Kind == yaml.MappingNode {
		k.node = resolve(doc.Content[0])
	}
	k.component = scalarField(k.node, "kind") == "Component"
	k.entries()
	return k, nil
}

// entries sorts the paths the kustomization names into folders and files,
// refusing what cannot be built here.
func (k *kustomization) entries() {
	for _, key := range []string{"resources", "bases", "components", "transformers", "generators", "validators", "crds"} {
		for _, n := range seq(k.node, key) {
			if n.Kind == yaml.ScalarNode && !strings.Contains(n.Value, "\n") {
				k.path(n, key != "crds")
			}
		}
	}
	for _, key := range []string{"patches", "patchesJson6902", "replacements"} {
		for _, n := range seq(k.node, key) {
			if _, p := lookup(n, "path", 0); p != nil {
				k.path(resolve(p), false)
			}
		}
	}
	for _, n := range seq(k.node, "patchesStrategicMerge") {
		if n.Kind == yaml.ScalarNode && !strings.Contains(n.Value, "\n") && !strings.Contains(n.Value, ":") {
			k.path(n, false)
		}
	}
	if _, p := lookup(k.node, "openapi", 0); p != nil {
		if _, p := lookup(resolve(p), "path", 0); p != nil {
			k.path(resolve(p), false)
		}
	}
	for _, key := range []string{"configMapGenerator", "secretGenerator"} {
		for _, g := range seq(k.node, key) {
			for _, n := range append(seq(g, "files"), seq(g, "envs")...) {
				_, file, _ := strings.Cut(n.Value, "=")
				if !strings.Contains(n.Value, "=") {
					file = n.Value
				}
				k.path(&yaml.Node{Kind: yaml.ScalarNode, Value: file, Line: n.Line, Column: n.Column}, false)
			}
			if _, env := lookup(g, "env", 0); env != nil {
				k.path(resolve(env), false)
			}
		}
	}
	for _, key := range []string{"helmCharts", "helmChartInflationGenerator"} {
		if kn, _ := lookup(k.node, key, 0); kn != nil {
			k.problems = append(k.problems, Error{File: k.display, Line: kn.Line, Column: kn.Column, Message: key +
				": rendering a Helm chart needs the helm binary, which slotcheck does not run: lint the chart folder itself (slotcheck <chart-folder> --values <file>), and remove the entry or lint this kustomization with --kustomize=false"})
		}
	}
}

// path records one named path: a folder (when folders may be named) or a
// file; a remote or missing one is a problem at its line.
func (k *kustomization) path(n *yaml.Node, folders bool) {
	name := strings.TrimSpace(n.Value)
	if name == "" {
		return
	}
	problem := func(format string, args ...any) {
		k.problems = append(k.problems, Error{File: k.display, Line: n.Line, Column: n.Column, Message: fmt.Sprintf(format, args...)})
	}
	if isRemote(name) {
		problem("%s is remote: slotcheck never fetches resources (CI must not depend on the network); vendor it into the repository and name its local path", name)
		return
	}
	p := filepath.Join(k.dir, filepath.FromSlash(name))
	info, err := os.Stat(p)
	switch {
	case err != nil:
		problem("%s: no such file or folder", name)
	case info.IsDir() && folders:
		k.dirs = append(k.dirs, kustomizeEntry{p, n})
	case info.IsDir():
		problem("%s is a folder, a file is expected here", name)
	default:
		k.files = append(k.files, kustomizeEntry{p, n})
	}
}

const cycleMessage = "kustomization cycle: "

// isRemote recognises the URLs and git references Kustomize would fetch.
func isRemote(name string) bool {
	lower := strings.ToLower(name)
	for _, prefix := range []string{"http://", "https://", "git@", "git::", "ssh://", "file://", "github.com/", "gitlab.com/", "bitbucket.org/"} {
		if strings.HasPrefix(lower, prefix) {
			return true
		}
	}
	return strings.Contains(name, "://") || strings.Contains(name, "?ref=") || strings.Contains(name, ".git//")
}

// seq is the entries of a list field, resolved; nil when absent.
func seq(m *yaml.Node, key string) []*yaml.Node {
	v := mappingValue(m, key)
	if v == nil || v.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*yaml.Node, len(v.Content))
	for i, n := range v.Content {
		out[i] = resolve(n)
	}
	return out
}

// kustomizeGraph holds the kustomizations a scan reaches, read once.
type kustomizeGraph struct {
	l     *loader
	byDir map[string]*kustomization
	// errs are read errors of kustomizations, by folder.
	errs map[string]error
}

func (g *kustomizeGraph) get(dir string) (*kustomization, error) {
	if k, ok := g.byDir[dir]; ok {
		return k, g.errs[dir]
	}
	k, err := g.l.readKustomization(dir)
	g.byDir[dir], g.errs[dir] = k, err
	return k, err
}

// kustomizeWalk is what one root reaches.
type kustomizeWalk struct {
	// files are every file read, kustomization files included.
	files map[string]bool
	// chains maps each file to the kustomizations that lead to it from
	// the root (root first), the first way it was reached.
	chains map[string][]*kustomization
	// kustomizations are those reached, the root included.
	kustomizations []*kustomization
	problems       []Error
}

// walk follows every folder k builds on, collecting what it reaches and
// every problem on the way: a cycle, a folder without a kustomization.
func (g *kustomizeGraph) walk(k *kustomization) *kustomizeWalk {
	w := &kustomizeWalk{files: map[string]bool{}, chains: map[string][]*kustomization{}}
	g.visit(w, []*kustomization{k})
	return w
}

func (g *kustomizeGraph) visit(w *kustomizeWalk, chain []*kustomization) {
	k := chain[len(chain)-1]
	if w.files[k.file] {
		return // reached twice (a diamond): once is enough
	}
	w.files[k.file] = true
	w.chains[k.file] = chain
	w.kustomizations = append(w.kustomizations, k)
	w.problems = append(w.problems, k.problems...)
	for _, f := range k.files {
		if !w.files[f.path] {
			w.files[f.path] = true
			w.chains[f.path] = chain
		}
	}
	for _, d := range k.dirs {
		if i := slices.IndexFunc(chain, func(c *kustomization) bool { return c.dir == d.path }); i >= 0 {
			var names []string
			for _, c := range append(chain[i:], chain[i]) {
				names = append(names, g.l.display(c.dir))
			}
			w.problems = append(w.problems, Error{File: k.display, Line: d.node.Line, Column: d.node.Column,
				Message: cycleMessage + strings.Join(names, " -> ")})
			continue
		}
		next, err := g.get(d.path)
		switch {
		case err != nil:
			w.problems = append(w.problems, Error{File: k.display, Line: d.node.Line, Column: d.node.Column, Message: err.Error()})
		case next == nil:
			w.problems = append(w.problems, Error{File: k.display, Line: d.node.Line, Column: d.node.Column,
				Message: d.node.Value + ": folder holds no kustomization.yaml, kustomization.yml or Kustomization"})
		default:
			g.visit(w, append(slices.Clip(chain), next))
		}
	}
}

// kustomizeRoots reads the kustomizations of the folders a scan walked
// and returns those no other one reaches: the ones to render. Components
// are never roots: Kustomize builds them only into a kustomization.
func (g *kustomizeGraph) roots(dirs []string) ([]*kustomization, []Error) {
	var found []*kustomization
	var errs []Error
	for _, d := range dirs {
		d, err := filepath.Abs(d)
		if err != nil {
			continue
		}
		k, err := g.get(d)
		if err != nil {
			errs = append(errs, Error{File: g.l.display(kustomizationFile(d)), Message: strings.TrimPrefix(err.Error(), g.l.display(kustomizationFile(d))+": ")})
			continue
		}
		if k != nil {
			found = append(found, k)
		}
	}
	reached := map[string]bool{}
	var cycles []Error
	for _, k := range found {
		w := g.walk(k)
		for _, r := range w.kustomizations[1:] {
			reached[r.dir] = true
		}
		for _, p := range w.problems {
			if strings.HasPrefix(p.Message, cycleMessage) {
				cycles = append(cycles, p)
			}
		}
	}
	var roots []*kustomization
	for _, k := range found {
		if !reached[k.dir] && !k.component {
			roots = append(roots, k)
		}
	}
	// Kustomizations that reach one another are no one's root, but the
	// cycle is still an error.
	return roots, append(errs, cycles...)
}

// dedupErrors drops the repeats of problems several roots share (a base's
// missing file, seen through each overlay).
func dedupErrors(errs []Error) []Error {
	seen := map[Error]bool{}
	out := errs[:0]
	for _, e := range errs {
		if !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	return out
}
