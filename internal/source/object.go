package source

import (
	"github.com/open-policy-agent/opa/v1/ast"
	"gopkg.in/yaml.v3"
)

// Object is one target read from a file: a Kubernetes object, or a
// Dockerfile's model.
type Object struct {
	// File is the path as reported: relative to the working directory when
	// inside it, with forward slashes.
	File string
	// Domain says which rules judge it: "k8s" or "dockerfile".
	Domain string
	// Node is a Kubernetes object's YAML mapping; nil for a Dockerfile
	// and for an object a JSONReader read.
	Node *yaml.Node
	// Line is where the object starts.
	Line    int
	locator *dockerfileLocator
	// fields places the fields of an object Kustomize rendered, each in
	// the file that wrote it.
	fields *kustomizeLocator
	// Root is the kustomization folder the object was rendered through,
	// as reports show it; empty for an object read from its own file.
	Root string
	// template holds the lines of the Helm template an object was rendered
	// from: findings point there, not at the rendered text.
	template []string
	// text and textLine stand for Node when only the document's text is
	// kept (Options.KeepText): the text starts at line textLine.
	text     string
	textLine int
	// Value is the object as the rules see it.
	Value      ast.Value
	APIVersion string
	Kind       string
	Name       string
	Namespace  string
}

// Locate finds the field at path, or a Dockerfile instruction and the
// token on its lines; see the package's Locate for Kubernetes objects.
func (o *Object) Locate(path []any, token string) Position {
	if o.locator != nil {
		return o.locator.locate(path, token)
	}
	if o.fields != nil {
		return o.fields.locate(path).Position
	}
	node := o.tree()
	if node == nil {
		// Read from JSON without nodes (JSONReader): no positions.
		return Position{}
	}
	if o.template != nil {
		return templatePosition(o.template, node, path, Locate(node, path))
	}
	return Locate(node, path)
}

// Release drops what an object needs only to be judged and placed: its
// YAML tree, its value and what maps its fields to lines. What names it
// and where it starts stay, for the reports that list what was judged.
func (o *Object) Release() {
	o.Node, o.Value, o.locator, o.fields, o.template, o.text = nil, nil, nil, nil, nil, ""
}

// ObjectName names an object the way kubectl users read it:
// Kind/namespace/name, Kind/name without a namespace, Kind alone without
// either. Every report and message names objects through it.
func ObjectName(kind, namespace, name string) string {
	return string(AppendObjectName(make([]byte, 0, len(kind)+len(namespace)+len(name)+2), kind, namespace, name))
}

// AppendObjectName appends ObjectName(kind, namespace, name) to dst, for
// writers that build their output in one buffer.
func AppendObjectName(dst []byte, kind, namespace, name string) []byte {
	dst = append(dst, kind...)
	if name == "" && namespace == "" {
		return dst
	}
	if namespace != "" {
		dst = append(dst, '/')
		dst = append(dst, namespace...)
	}
	dst = append(dst, '/')
	return append(dst, name...)
}
