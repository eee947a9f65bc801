package source

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// parse reads every document of a file. A syntax error ends the file (the
// YAML stream cannot be resumed), but the documents before it still count.
func (l *loader) parse(res *Result, c *converter, name string, src []byte) {
	res.Files++
	if !l.mayHoldSelected(src) {
		return
	}
	if bytes.IndexByte(src, 0) >= 0 {
		res.errorf(name, 0, 0, "binary file, not YAML or JSON")
		return
	}
	if l.opts.Kinds != nil {
		if chunks, ok := splitDocuments(src); ok && len(chunks) > 1 {
			l.parseSelected(res, c, name, chunks)
			return
		}
	}
	l.parseDocuments(res, c, name, src, 0)
}

// parseSelected parses only the chunks of a file whose text may name a kind
// kept: in a file of many documents a few of which are kept, it spares the
// parse of the others. A chunk parses alone as it does in its file, but for
// a syntax error earlier in the file, which ends a full parse there: past
// one in a chunk it skips, it may keep more than a full parse would
// (Options.Kinds).
func (l *loader) parseSelected(res *Result, c *converter, name string, chunks []docChunk) {
	for _, ch := range chunks {
		if l.mayHoldSelected(ch.text) && !l.parseDocuments(res, c, name, ch.text, ch.line-1) {
			return
		}
	}
}

// parseDocuments reads the documents of src, text of a file that starts
// after its first offset lines, and reports whether it reached the end
// without a syntax error.
func (l *loader) parseDocuments(res *Result, c *converter, name string, src []byte, offset int) bool {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	lines := &lineCursor{src: src, line: offset + 1}
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return true
		}
		if err != nil {
			line, msg := YAMLSyntaxError(err, src)
			res.errorf(name, line+offset, 0, "invalid YAML: %s", msg)
			return false
		}
		if len(doc.Content) == 0 {
			continue // an empty document between separators
		}
		if offset > 0 {
			shiftLines(doc.Content[0], offset)
		}
		read := len(res.Objects)
		l.document(res, c, name, doc.Content[0])
		if l.opts.KeepText {
			for _, o := range res.Objects[read:] {
				o.keepText(lines)
			}
		}
	}
}

// document reads one YAML document: an object, a List of them, or
// something else that is counted as skipped.
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
	if apiVersion == "" || kind == "" || isToolConfig(apiVersion, kind) {
		res.Skipped++
		return
	}
	if _, items := lookup(root, "items", 0); items != nil && strings.HasSuffix(kind, "List") {
		l.list(res, c, name, kind, resolve(items))
		return
	}
	if !l.selected(kind) {
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

// selected reports whether objects of kind are kept (Options.Kinds).
func (l *loader) selected(kind string) bool {
	return l.opts.Kinds == nil || slices.Contains(l.opts.Kinds, kind)
}

// mayHoldSelected reports whether src may hold an object of a kind kept
// (Options.Kinds). A kind is read from its scalar's text, so it is spelled
// out in the file unless an escape sequence (a backslash, in a
// double-quoted scalar) writes it.
func (l *loader) mayHoldSelected(src []byte) bool {
	if l.opts.Kinds == nil || bytes.IndexByte(src, '\\') >= 0 {
		return true
	}
	for _, k := range l.opts.Kinds {
		if bytes.Contains(src, []byte(k)) {
			return true
		}
	}
	return false
}

// list reads the items of a List kind (v1 List, DeploymentList, ...) as
// documents of their own.
func (l *loader) list(res *Result, c *converter, name, kind string, items *yaml.Node) {
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
}

// isToolConfig recognises the configuration objects of Kustomize, Skaffold
// and other client-side tools: they look like objects (apiVersion and kind)
// but are never sent to a cluster.
func isToolConfig(apiVersion, kind string) bool {
	// Cut, not Split: every document of a scan passes here.
	group, _, _ := strings.Cut(apiVersion, "/")
	return strings.HasPrefix(apiVersion, "kustomize.config.k8s.io/") || strings.HasPrefix(apiVersion, "skaffold/") ||
		apiVersion == "builtin" ||
		strings.HasPrefix(apiVersion, "config.kubernetes.io/") || strings.HasSuffix(group, ".config.kubernetes.io") ||
		kind == "Component" && strings.HasPrefix(apiVersion, "kustomize.")
}

func scalarField(m *yaml.Node, key string) string {
	v := mappingValue(m, key)
	if v == nil || v.Kind != yaml.ScalarNode {
		return ""
	}
	return v.Value
}
