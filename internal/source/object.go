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

// Locate finds the field at path, or a Dockerfile instruction and the
// token on its lines; see the package's Locate for Kubernetes objects.
func (o *Object) Locate(path []any, token string) Position {
	if o.locator != nil {
		return o.locator.locate(path, token)
	}
	if o.template != nil {
		return templatePosition(o.template, path, Locate(o.Node, path))
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
