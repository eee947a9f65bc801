package source

import (
	"encoding/json"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/slotwise/slotcheck/internal/kube"
)

// schemaErrors reports what the API server would reject in a built-in kind;
// such an object is not linted, since rules would judge fields that cannot
// be applied as written.
func (l *loader) schemaErrors(res *Result, c *converter, o *Object) bool {
	if !l.checker.Known(o.APIVersion, o.Kind) || l.checker.Accepts(o.APIVersion, o.Kind, o.Value) {
		return false
	}
	name := ObjectName(o.Kind, o.Namespace, o.Name)
	// The converter's buffer is reused from object to object: the checker
	// keeps nothing of the manifest.
	manifest, ok := kube.AppendJSON(c.json[:0], o.Value)
	if ok {
		c.json = manifest
	} else {
		raw, err := ast.JSON(o.Value)
		if err != nil {
			res.errorf(o.File, o.Line, 0, "%s: %v", name, err)
			return true
		}
		if manifest, err = json.Marshal(raw); err != nil {
			res.errorf(o.File, o.Line, 0, "%s: %v", name, err)
			return true
		}
	}
	problems := l.checker.Check(o.APIVersion, o.Kind, manifest)
	for _, p := range problems {
		path, pos := problemPlace(o, p)
		file := o.File
		if o.fields != nil {
			at := o.fields.locate(path)
			file, pos = at.File, at.Position
		}
		where := name
		if len(path) > 0 {
			where += " " + FieldPath(path)
		}
		res.errorf(file, pos.Line, pos.Column, "%s: %s", where, p.Message)
	}
	return len(problems) > 0
}

// problemPlace is the concrete path of a problem and its position. An object
// read without nodes (JSONReader) has no positions: its paths are made
// concrete on its value, and its problems are placed at its first line.
func problemPlace(o *Object, p kube.Problem) ([]any, Position) {
	if o.Node == nil {
		path := p.Path
		if p.Loose {
			path = concreteValue(o.Value, path)
		}
		return path, Position{Line: o.Line}
	}
	path := p.Path
	if p.Loose {
		path = Concrete(o.Node, path)
	}
	if p.AtKey {
		return path, LocateKey(o.Node, path)
	}
	return path, Locate(o.Node, path)
}
