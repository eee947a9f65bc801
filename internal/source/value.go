package source

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/open-policy-agent/opa/v1/ast"
	"gopkg.in/yaml.v3"
)

// maxDepth bounds nesting and maxNodes the values an object may expand to
// through aliases, so that a hostile document (an alias bomb, a million
// nested lists) is an input error, not a crash.
const (
	maxDepth = 512
	maxNodes = 1 << 20
)

// valueError is a problem in a document's content at a known line.
type valueError struct {
	line, column int
	msg          string
}

func (e *valueError) Error() string { return e.msg }

// converter turns YAML nodes into the Rego values the rules see, the way the
// API server would read the same manifest as JSON. One serves the objects of
// one file, in turn.
type converter struct {
	// nodes counts the values of the object being converted.
	nodes int
	// json is scratch space for the manifests sent to the schema check.
	json []byte
}

// toValue converts one object's node.
func (c *converter) toValue(n *yaml.Node) (ast.Value, error) {
	c.nodes = 0
	return c.value(n, 0)
}

func (c *converter) value(n *yaml.Node, depth int) (ast.Value, error) {
	if depth > maxDepth {
		return nil, &valueError{n.Line, n.Column, fmt.Sprintf("document nests more than %d levels deep", maxDepth)}
	}
	if c.nodes++; c.nodes > maxNodes {
		return nil, &valueError{n.Line, n.Column, fmt.Sprintf("document expands to more than %d values (aliases repeated too often)", maxNodes)}
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return ast.Null{}, nil
		}
		return c.value(n.Content[0], depth+1)
	case yaml.AliasNode:
		return c.value(n.Alias, depth+1)
	case yaml.SequenceNode:
		terms := make([]*ast.Term, 0, len(n.Content))
		for _, item := range n.Content {
			v, err := c.value(item, depth+1)
			if err != nil {
				return nil, err
			}
			terms = append(terms, ast.NewTerm(v))
		}
		return ast.NewArray(terms...), nil
	case yaml.MappingNode:
		obj := ast.NewObject()
		if err := c.addMapping(obj, n, depth, false); err != nil {
			return nil, err
		}
		return obj, nil
	case yaml.ScalarNode:
		return scalar(n)
	}
	return nil, &valueError{n.Line, n.Column, fmt.Sprintf("unexpected YAML node kind %d", n.Kind)}
}

// addMapping inserts a mapping's pairs; merge keys (<<) contribute only the
// keys the mapping does not set itself, as YAML defines them.
func (c *converter) addMapping(obj ast.Object, n *yaml.Node, depth int, merged bool) error {
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			merges = append(merges, v)
			continue
		}
		key := ast.StringTerm(k.Value)
		if obj.Get(key) != nil {
			if merged {
				continue
			}
			return &valueError{k.Line, k.Column, fmt.Sprintf("duplicate key %q", k.Value)}
		}
		val, err := c.value(v, depth+1)
		if err != nil {
			return err
		}
		if _, isNull := val.(ast.Null); isNull {
			// The API server reads `field: null` (or a key with no value) as
			// unset; so do the rules.
			continue
		}
		obj.Insert(key, ast.NewTerm(val))
	}
	for _, m := range merges {
		for _, src := range mergeSources(m) {
			if src.Kind != yaml.MappingNode {
				return &valueError{m.Line, m.Column, "merge key (<<) must refer to a mapping"}
			}
			if err := c.addMapping(obj, src, depth+1, true); err != nil {
				return err
			}
		}
	}
	return nil
}

func mergeSources(n *yaml.Node) []*yaml.Node {
	n = resolve(n)
	if n.Kind == yaml.SequenceNode {
		out := make([]*yaml.Node, 0, len(n.Content))
		for _, c := range n.Content {
			out = append(out, resolve(c))
		}
		return out
	}
	return []*yaml.Node{n}
}

func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < maxDepth; i++ {
		n = n.Alias
	}
	return n
}

func scalar(n *yaml.Node) (ast.Value, error) {
	switch n.ShortTag() {
	case "!!null":
		return ast.Null{}, nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return nil, &valueError{n.Line, n.Column, err.Error()}
		}
		return ast.Boolean(b), nil
	case "!!int":
		if i, err := strconv.ParseInt(n.Value, 10, 64); err == nil && strconv.FormatInt(i, 10) == n.Value {
			return ast.Number(json.Number(n.Value)), nil
		}
		// 0755, 0x1F, +3, 1_000: let YAML say what number it is.
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, &valueError{n.Line, n.Column, err.Error()}
		}
		return ast.Number(json.Number(fmt.Sprint(v))), nil
	case "!!float":
		var f float64
		if err := n.Decode(&f); err != nil {
			return nil, &valueError{n.Line, n.Column, err.Error()}
		}
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return ast.String(n.Value), nil
		}
		return ast.Number(json.Number(strconv.FormatFloat(f, 'g', -1, 64))), nil
	}
	// Strings, timestamps, binary and custom tags: the API server sees text.
	return ast.String(n.Value), nil
}
