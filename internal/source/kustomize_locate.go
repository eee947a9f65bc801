package source

import (
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/kustomize/api/resource"
)

// Place is a position in a named file: where a field of an object that
// several files wrote (Kustomize's bases, patches, kustomizations) is.
type Place struct {
	File string
	Position
}

// fieldSetter is a place in the repository that writes fields of rendered
// objects: a patch, or an entry of a kustomization.
type fieldSetter interface {
	// sets says where the field at path of the rendered object r is
	// written, when this setter writes it.
	sets(r *yaml.Node, path []any) (Place, bool)
}

// kustomizeLocator places the fields of an object Kustomize rendered in
// the files that wrote them.
type kustomizeLocator struct {
	rendered *yaml.Node
	// file defines the object (as reports show it) and origin is the
	// object in it: a base's manifest, or the generator entry of a
	// kustomization; origin is nil when it cannot be found.
	file   string
	origin *yaml.Node
	// setters write over origin, the last to write first.
	setters []fieldSetter
}

// locate finds a field in the last file that wrote it: a patch, else the
// kustomization entry that set it, else the file that defines the object.
// A missing field is placed at the nearest field that exists, preferably
// in the defining file.
func (k *kustomizeLocator) locate(path []any) Place {
	have := existing(k.rendered, path)
	exact := len(have) == len(path)
	if exact && len(have) > 0 {
		if pos, ok := k.set(have); ok {
			return pos
		}
	}
	if k.origin != nil {
		if t, ok := translate(k.rendered, k.origin, have); ok {
			return k.inOrigin(t, exact)
		}
	}
	if len(have) > 0 {
		if pos, ok := k.set(have); ok {
			pos.Exact = exact
			return pos
		}
	}
	if k.origin == nil {
		return Place{File: k.file, Position: Position{Line: 1, Column: 1, EndColumn: 2}}
	}
	t, _ := translate(k.rendered, k.origin, have)
	return k.inOrigin(t, false)
}

func (k *kustomizeLocator) inOrigin(path []any, exact bool) Place {
	pos := Locate(k.origin, path)
	pos.Exact = pos.Exact && exact
	return Place{File: k.file, Position: pos}
}

func (k *kustomizeLocator) set(path []any) (Place, bool) {
	for _, s := range k.setters {
		if pos, ok := s.sets(k.rendered, path); ok {
			pos.Exact = true
			return pos, true
		}
	}
	return Place{}, false
}

// existing is the longest part of path that n holds.
func existing(n *yaml.Node, path []any) []any {
	cur := resolve(n)
	for i, seg := range path {
		next := child(cur, seg)
		if next == nil {
			return path[:i]
		}
		cur = next
	}
	return path
}

func child(n *yaml.Node, seg any) *yaml.Node {
	switch s := seg.(type) {
	case string:
		if _, v := lookup(n, s, 0); v != nil {
			return resolve(v)
		}
	case int:
		if n.Kind == yaml.SequenceNode && s >= 0 && s < len(n.Content) {
			return resolve(n.Content[s])
		}
	}
	return nil
}

// translate finds in t the field at path of r, matching list entries by
// their merge key (a container by its name, a port by its number) rather
// than their index, as a strategic merge does. It returns the longest
// part found and whether it is the whole path.
func translate(r, t *yaml.Node, path []any) ([]any, bool) {
	r, t = resolve(r), resolve(t)
	out := make([]any, 0, len(path))
	for _, seg := range path {
		rn := child(r, seg)
		if rn == nil {
			return out, false
		}
		var tseg any = seg
		if i, ok := seg.(int); ok {
			if t.Kind != yaml.SequenceNode {
				return out, false
			}
			j := sameEntry(rn, t, i)
			if j < 0 {
				return out, false
			}
			tseg = j
		}
		tn := child(t, tseg)
		if tn == nil {
			return out, false
		}
		out = append(out, tseg)
		r, t = rn, tn
	}
	return out, true
}

// mergeKeys identify list entries across files, as the strategic merge
// keys of the Kubernetes types do.
var mergeKeys = []string{"name", "containerPort", "mountPath", "devicePath", "ip", "topologyKey", "key", "port"}

// sameEntry is the index in list of the entry that e is, or -1.
func sameEntry(e, list *yaml.Node, i int) int {
	if e.Kind == yaml.ScalarNode {
		return slices.IndexFunc(list.Content, func(c *yaml.Node) bool { c = resolve(c); return c.Kind == yaml.ScalarNode && c.Value == e.Value })
	}
	if e.Kind == yaml.MappingNode {
		for _, key := range mergeKeys {
			v := scalarField(e, key)
			if v == "" {
				continue
			}
			return slices.IndexFunc(list.Content, func(c *yaml.Node) bool { return scalarField(resolve(c), key) == v })
		}
	}
	if i < len(list.Content) {
		return i
	}
	return -1
}

// smpSetter is a strategic merge patch: it writes every field it holds
// but those that only name the object it patches.
type smpSetter struct {
	file string
	node *yaml.Node
}

func (s smpSetter) sets(r *yaml.Node, path []any) (Place, bool) {
	if len(path) == 0 || isIdentityPath(path) {
		return Place{}, false
	}
	t, ok := translate(r, s.node, path)
	if !ok {
		return Place{}, false
	}
	return Place{File: s.file, Position: Locate(s.node, t)}, true
}

func isIdentityPath(path []any) bool {
	switch FieldPath(path) {
	case "apiVersion", "kind", "metadata.name", "metadata.namespace":
		return true
	}
	return false
}

// jsonOp is one operation of a JSON 6902 patch.
type jsonOp struct {
	op    string
	path  []string
	at    *yaml.Node // the op's path value
	value *yaml.Node
}

// jsonPatchSetter is a JSON 6902 patch: an add or replace writes the
// fields of its value; a copy or move writes its path.
type jsonPatchSetter struct {
	file string
	ops  []jsonOp
}

func (s jsonPatchSetter) sets(r *yaml.Node, path []any) (Place, bool) {
	for _, op := range slices.Backward(s.ops) {
		if !pointerPrefix(op.path, path) {
			continue
		}
		var pos Position
		switch {
		case (op.op == "add" || op.op == "replace") && op.value != nil:
			rest := path[len(op.path):]
			sub := resolve(r)
			for _, seg := range path[:len(op.path)] {
				if sub = child(sub, seg); sub == nil {
					break
				}
			}
			if sub == nil {
				continue
			}
			t, ok := translate(sub, op.value, rest)
			if !ok {
				continue
			}
			pos = Locate(op.value, t)
		case op.op == "copy" || op.op == "move":
			pos = at(op.at)
		default:
			continue
		}
		return Place{File: s.file, Position: pos}, true
	}
	return Place{}, false
}

// pointerPrefix reports whether a JSON pointer's segments lead to path
// or above it; "-" (append) stands for any index.
func pointerPrefix(ptr []string, path []any) bool {
	if len(ptr) > len(path) {
		return false
	}
	for i, seg := range ptr {
		switch p := path[i].(type) {
		case string:
			if seg != p {
				return false
			}
		case int:
			if seg != "-" && seg != strconv.Itoa(p) {
				return false
			}
		}
	}
	return true
}

// entrySetter is an entry of a kustomization (or of a transformer's
// configuration) that writes the fields match accepts, pointed at node.
type entrySetter struct {
	file  string
	node  *yaml.Node
	match func(r *yaml.Node, path []any) bool
}

func (s entrySetter) sets(r *yaml.Node, path []any) (Place, bool) {
	if !s.match(r, path) {
		return Place{}, false
	}
	return Place{File: s.file, Position: at(s.node)}, true
}

// targeted is a setter and the objects it writes.
type targeted struct {
	fieldSetter
	applies func(id *objectID) bool // nil: every object
}

// objectID is what patch targets select an object by: the names it had
// (as written in its file and as rendered), its kind and labels.
type objectID struct {
	kind                string
	names, namespaces   []string
	labels, annotations map[string]string
}

func newObjectID(rendered, origin *yaml.Node) *objectID {
	id := &objectID{kind: scalarField(rendered, "kind")}
	for _, n := range []*yaml.Node{rendered, origin} {
		if n == nil {
			continue
		}
		if _, meta := lookup(n, "metadata", 0); meta != nil {
			meta = resolve(meta)
			id.names = append(id.names, scalarField(meta, "name"))
			id.namespaces = append(id.namespaces, scalarField(meta, "namespace"))
		}
	}
	_, meta := lookup(rendered, "metadata", 0)
	if meta != nil {
		id.labels = stringMap(resolve(meta), "labels")
		id.annotations = stringMap(resolve(meta), "annotations")
	}
	return id
}

func stringMap(m *yaml.Node, key string) map[string]string {
	out := map[string]string{}
	v := mappingValue(m, key)
	if v == nil || v.Kind != yaml.MappingNode {
		return out
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		out[v.Content[i].Value] = resolve(v.Content[i+1]).Value
	}
	return out
}

// selects reports whether a patch target (kind, name, namespace, label
// and annotation selectors; names are regular expressions) picks id.
func selects(target *yaml.Node, id *objectID) bool {
	if k := scalarField(target, "kind"); k != "" && !fullMatch(k, []string{id.kind}) {
		return false
	}
	if n := scalarField(target, "name"); n != "" && !fullMatch(n, id.names) {
		return false
	}
	if ns := scalarField(target, "namespace"); ns != "" && !fullMatch(ns, id.namespaces) {
		return false
	}
	for key, set := range map[string]map[string]string{"labelSelector": id.labels, "annotationSelector": id.annotations} {
		if s := scalarField(target, key); s != "" {
			sel, err := labels.Parse(s)
			if err != nil || !sel.Matches(labels.Set(set)) {
				return false
			}
		}
	}
	return true
}

func fullMatch(pattern string, values []string) bool {
	re, err := regexp.Compile("^(?:" + pattern + ")$")
	if err != nil {
		return slices.Contains(values, pattern)
	}
	return slices.ContainsFunc(values, re.MatchString)
}

// kustomizeLocator finds where a rendered object came from and every
// setter of the kustomizations it went through, from the root (the last
// to write) inwards.
func (l *loader) kustomizeLocator(root *kustomization, w *kustomizeWalk, origins *originFiles, origin *resource.Origin, rendered *yaml.Node, obj *Object) *kustomizeLocator {
	loc := &kustomizeLocator{rendered: rendered, file: root.display}
	chain := []*kustomization{root}
	switch {
	case origin != nil && origin.Path != "":
		abs := filepath.Join(root.dir, filepath.FromSlash(origin.Path))
		loc.file = l.display(abs)
		loc.origin = origins.find(abs, obj.Kind, obj.Name)
		if c, ok := w.chains[abs]; ok {
			chain = c
		}
	case origin != nil && origin.ConfiguredIn != "":
		abs := filepath.Join(root.dir, filepath.FromSlash(origin.ConfiguredIn))
		if c, ok := w.chains[abs]; ok {
			chain = c
			k := c[len(c)-1]
			loc.file = k.display
			if loc.origin = generatorEntry(k, obj.Name); loc.origin != nil {
				loc.setters = generatorSetters(k.display, loc.origin)
			}
		}
	}
	id := newObjectID(rendered, loc.origin)
	for i, k := range chain {
		var next *kustomization
		if i+1 < len(chain) {
			next = chain[i+1]
		}
		for _, s := range k.ownSetters(l) {
			if s.applies == nil || s.applies(id) {
				loc.setters = append(loc.setters, s.fieldSetter)
			}
		}
		for _, c := range k.componentsAfter(w, next) {
			for _, s := range c.ownSetters(l) {
				if s.applies == nil || s.applies(id) {
					loc.setters = append(loc.setters, s.fieldSetter)
				}
			}
		}
	}
	return loc
}

// componentsAfter lists, last first, the components of k applied after
// next (which is reached through k): all of them unless next is one.
func (k *kustomization) componentsAfter(w *kustomizeWalk, next *kustomization) []*kustomization {
	var comps []*kustomization
	for _, n := range seq(k.node, "components") {
		for _, r := range w.kustomizations {
			if r.component && r.dir == filepath.Join(k.dir, filepath.FromSlash(strings.TrimSpace(n.Value))) {
				comps = append(comps, r)
			}
		}
	}
	if next != nil {
		if i := slices.Index(comps, next); i >= 0 {
			comps = comps[i+1:]
		}
	}
	slices.Reverse(comps)
	return comps
}

// generatorEntry is the configMapGenerator or secretGenerator entry that
// generated the object named name: Kustomize's origin does not name it, so
// it is the entry whose name the rendered name holds (a hash suffix and
// name prefixes added), the longest such.
func generatorEntry(k *kustomization, name string) *yaml.Node {
	var best *yaml.Node
	for _, key := range []string{"configMapGenerator", "secretGenerator"} {
		for _, g := range seq(k.node, key) {
			n := scalarField(g, "name")
			if n != "" && strings.Contains(name, n) && (best == nil || len(n) > len(scalarField(best, "name"))) {
				best = g
			}
		}
	}
	return best
}

// generatorSetters place the data keys of a generated object at the
// literal or file of the generator entry that gives them.
func generatorSetters(file string, entry *yaml.Node) []fieldSetter {
	var out []fieldSetter
	for _, list := range []string{"literals", "files"} {
		for _, n := range seq(entry, list) {
			key, _, ok := strings.Cut(n.Value, "=")
			if !ok && list == "files" {
				key = filepath.Base(n.Value)
			}
			out = append(out, entrySetter{file, n, func(_ *yaml.Node, path []any) bool {
				return len(path) == 2 && (path[0] == "data" || path[0] == "stringData" || path[0] == "binaryData") && path[1] == key
			}})
		}
	}
	return out
}

// Place is Locate with the file the field is in: the object's own file,
// or for an object Kustomize rendered, the patch, kustomization or base
// that wrote the field.
func (o *Object) Place(path []any, token string) Place {
	if o.fields != nil {
		return o.fields.locate(path)
	}
	return Place{File: o.File, Position: o.Locate(path, token)}
}
