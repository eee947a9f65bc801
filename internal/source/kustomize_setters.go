package source

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// ownSetters is what k itself writes into the objects it builds, the last
// to write first, in the reverse of the order Kustomize applies them:
// transformer configurations, images, replicas, JSON 6902 patches,
// annotations, labels, name suffix and prefix, namespace, patches,
// strategic merge patches. Read once, then shared by the roots.
func (k *kustomization) ownSetters(l *loader) []targeted {
	k.once.Do(func() { k.setters = k.readSetters(l) })
	return k.setters
}

func (k *kustomization) readSetters(l *loader) []targeted {
	var out []targeted
	add := func(s ...targeted) { out = append(out, s...) }
	for _, n := range slices.Backward(seq(k.node, "transformers")) {
		if n.Kind == yaml.ScalarNode {
			p := filepath.Join(k.dir, filepath.FromSlash(strings.TrimSpace(n.Value)))
			docs, src := readDocs(p)
			for _, d := range slices.Backward(docs) {
				add(transformerConfig(l, p, d, src)...)
			}
		}
	}
	for _, img := range slices.Backward(seq(k.node, "images")) {
		add(imageSetter(k.display, img))
	}
	for _, r := range slices.Backward(seq(k.node, "replicas")) {
		name := scalarField(r, "name")
		_, count := lookup(r, "count", 0)
		if count == nil {
			continue
		}
		add(targeted{entrySetter{k.display, resolve(count), pathIs("spec", "replicas")}, func(id *objectID) bool { return slices.Contains(id.names, name) }})
	}
	for _, p := range slices.Backward(seq(k.node, "patchesJson6902")) {
		add(k.patch(l, p)...)
	}
	add(mapSetters(k.display, k.node, "commonAnnotations", "annotations")...)
	for _, lb := range slices.Backward(seq(k.node, "labels")) {
		add(mapSetters(k.display, lb, "pairs", "labels", "matchLabels", "selector")...)
	}
	add(mapSetters(k.display, k.node, "commonLabels", "labels", "matchLabels", "selector")...)
	for _, key := range []string{"nameSuffix", "namePrefix"} {
		if _, v := lookup(k.node, key, 0); v != nil {
			add(targeted{fieldSetter: entrySetter{k.display, resolve(v), pathIs("metadata", "name")}})
		}
	}
	if _, v := lookup(k.node, "namespace", 0); v != nil {
		add(targeted{fieldSetter: entrySetter{k.display, resolve(v), pathIs("metadata", "namespace")}})
	}
	for _, p := range slices.Backward(seq(k.node, "patches")) {
		add(k.patch(l, p)...)
	}
	for _, p := range slices.Backward(seq(k.node, "patchesStrategicMerge")) {
		if p.Kind != yaml.ScalarNode {
			continue
		}
		if strings.Contains(p.Value, "\n") || strings.Contains(p.Value, ":") {
			add(patchSetters(k.display, inlineDocs(p, k.src), nil)...)
			continue
		}
		file := filepath.Join(k.dir, filepath.FromSlash(p.Value))
		docs, _ := readDocs(file)
		add(patchSetters(l.display(file), docs, nil)...)
	}
	return out
}

// patch reads one entry of patches or patchesJson6902: a file (path) or
// inline text (patch), with an optional target.
func (k *kustomization) patch(l *loader, entry *yaml.Node) []targeted {
	_, target := lookup(entry, "target", 0)
	if target != nil {
		target = resolve(target)
	}
	if _, p := lookup(entry, "path", 0); p != nil {
		file := filepath.Join(k.dir, filepath.FromSlash(resolve(p).Value))
		docs, _ := readDocs(file)
		return patchSetters(l.display(file), docs, target)
	}
	if _, p := lookup(entry, "patch", 0); p != nil {
		return patchSetters(k.display, inlineDocs(resolve(p), k.src), target)
	}
	return nil
}

// patchSetters makes setters of a patch's documents: a list is a JSON 6902
// patch (it needs a target), a mapping a strategic merge patch that
// targets what it names unless a target is given.
func patchSetters(file string, docs []*yaml.Node, target *yaml.Node) []targeted {
	var out []targeted
	for _, d := range slices.Backward(docs) {
		switch d.Kind {
		case yaml.SequenceNode:
			if target == nil {
				continue
			}
			out = append(out, targeted{jsonPatch(file, d), func(id *objectID) bool { return selects(target, id) }})
		case yaml.MappingNode:
			sel := target
			if sel == nil {
				sel = &yaml.Node{Kind: yaml.MappingNode}
				if k := scalarField(d, "kind"); k != "" {
					sel.Content = append(sel.Content, scalar("kind"), scalar(regexp.QuoteMeta(k)))
				}
				if _, meta := lookup(d, "metadata", 0); meta != nil {
					for _, key := range []string{"name", "namespace"} {
						if v := scalarField(resolve(meta), key); v != "" {
							sel.Content = append(sel.Content, scalar(key), scalar(regexp.QuoteMeta(v)))
						}
					}
				}
			}
			out = append(out, targeted{smpSetter{file, d}, func(id *objectID) bool { return selects(sel, id) }})
		}
	}
	return out
}

func scalar(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: v} }

func jsonPatch(file string, list *yaml.Node) jsonPatchSetter {
	s := jsonPatchSetter{file: file}
	for _, n := range list.Content {
		n = resolve(n)
		_, at := lookup(n, "path", 0)
		if at == nil {
			continue
		}
		at = resolve(at)
		op := jsonOp{op: scalarField(n, "op"), at: at}
		if at.Value != "" {
			for _, seg := range strings.Split(strings.TrimPrefix(at.Value, "/"), "/") {
				op.path = append(op.path, strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~"))
			}
		}
		if _, v := lookup(n, "value", 0); v != nil {
			op.value = resolve(v)
		}
		s.ops = append(s.ops, op)
	}
	return s
}

// transformerConfig makes setters of a transformer configuration named in
// transformers: labels, annotations, patches and image tags.
func transformerConfig(l *loader, abs string, d *yaml.Node, src []byte) []targeted {
	file := l.display(abs)
	switch scalarField(d, "kind") {
	case "LabelTransformer":
		return mapSetters(file, d, "labels", "labels", "matchLabels", "selector")
	case "AnnotationsTransformer":
		return mapSetters(file, d, "annotations", "annotations")
	case "ImageTagTransformer":
		if _, img := lookup(d, "imageTag", 0); img != nil {
			return []targeted{imageSetter(file, resolve(img))}
		}
	case "PatchTransformer", "PatchJson6902Transformer":
		_, target := lookup(d, "target", 0)
		if target != nil {
			target = resolve(target)
		}
		if _, p := lookup(d, "patch", 0); p != nil {
			return patchSetters(file, inlineDocs(resolve(p), src), target)
		}
		if _, p := lookup(d, "path", 0); p != nil {
			patch := filepath.Join(filepath.Dir(abs), filepath.FromSlash(resolve(p).Value))
			docs, _ := readDocs(patch)
			return patchSetters(l.display(patch), docs, target)
		}
	}
	return nil
}

// mapSetters makes a setter per key of the map at key in m: it writes that
// key in any map of the given names (metadata.labels, selectors).
func mapSetters(file string, m *yaml.Node, key string, parents ...string) []targeted {
	v := mappingValue(m, key)
	if v == nil || v.Kind != yaml.MappingNode {
		return nil
	}
	var out []targeted
	for i := 0; i+1 < len(v.Content); i += 2 {
		name := v.Content[i].Value
		out = append(out, targeted{fieldSetter: entrySetter{file, resolve(v.Content[i+1]), func(_ *yaml.Node, path []any) bool {
			n := len(path)
			return n >= 2 && path[n-1] == name && slices.Contains(parents, path[n-2].(string))
		}}})
	}
	return out
}

// imageSetter is an images entry: it writes the image of every container
// whose image it names, pointed at the tag, digest or name it sets.
func imageSetter(file string, img *yaml.Node) targeted {
	name, newName := scalarField(img, "name"), scalarField(img, "newName")
	node := img
	for _, key := range []string{"newName", "digest", "newTag"} {
		if _, v := lookup(img, key, 0); v != nil {
			node = resolve(v)
		}
	}
	return targeted{fieldSetter: entrySetter{file, node, func(r *yaml.Node, path []any) bool {
		n := len(path)
		if n < 3 || path[n-1] != "image" {
			return false
		}
		if c, ok := path[n-3].(string); !ok || (c != "containers" && c != "initContainers" && c != "ephemeralContainers") {
			return false
		}
		v := resolve(r)
		for _, seg := range path {
			if v = child(v, seg); v == nil {
				return false
			}
		}
		image := imageName(v.Value)
		return image == name || (newName != "" && image == newName)
	}}}
}

// imageName is an image reference without its tag and digest.
func imageName(ref string) string {
	ref, _, _ = strings.Cut(ref, "@")
	if i := strings.LastIndexByte(ref, ':'); i > strings.LastIndexByte(ref, '/') {
		ref = ref[:i]
	}
	return ref
}

func pathIs(want ...any) func(*yaml.Node, []any) bool {
	return func(_ *yaml.Node, path []any) bool { return slices.Equal(path, want) }
}

// readDocs reads a file's documents and its text; nil when unreadable
// (Kustomize reports that when it builds).
func readDocs(file string) ([]*yaml.Node, []byte) {
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, nil
	}
	return decodeDocs(src), src
}

func decodeDocs(src []byte) []*yaml.Node {
	var docs []*yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(src))
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			if !errors.Is(err, io.EOF) {
				return nil
			}
			return docs
		}
		if len(doc.Content) > 0 {
			docs = append(docs, resolve(doc.Content[0]))
		}
	}
}

// inlineDocs reads a patch written inline in a YAML string and moves its
// nodes to where their text is in the file: a block scalar (| or >) holds
// the text as written, indented; any other string is placed as a whole.
func inlineDocs(n *yaml.Node, src []byte) []*yaml.Node {
	docs := decodeDocs([]byte(n.Value))
	block := n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0
	indent := 0
	if block {
		lines := strings.Split(string(src), "\n")
		for i := n.Line; i < len(lines); i++ {
			if t := strings.TrimLeft(lines[i], " "); t != "" {
				indent = len(lines[i]) - len(t)
				break
			}
		}
	}
	seen := map[*yaml.Node]bool{}
	var move func(m *yaml.Node)
	move = func(m *yaml.Node) {
		if m == nil || seen[m] {
			return
		}
		seen[m] = true
		if block {
			m.Line += n.Line
			m.Column += indent
		} else {
			m.Line, m.Column = n.Line, n.Column
		}
		for _, c := range m.Content {
			move(c)
		}
	}
	for _, d := range docs {
		move(d)
	}
	return docs
}
