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
// one worker's files, in turn; it is not safe for concurrent use.
type converter struct {
	// nodes counts the values of the object being converted.
	nodes int
	// json is scratch space for the manifests sent to the schema check.
	json []byte
	// pairs is a stack of the pairs of the mappings being converted: each
	// object is then built in one go, in one block of memory, instead of
	// growing pair by pair.
	pairs [][2]*ast.Term
	// items is the same for the elements of the arrays being read from
	// JSON, whose length is known only at their end.
	items []*ast.Term
	// strings holds the terms of the keys and short strings converted so
	// far: objects repeat the same few (name, image, containers, ...), and
	// terms are never modified, so they are shared.
	strings map[string]*ast.Term
}

// Interning bounds: longer strings rarely repeat, and files of unique
// values must not grow the table without end.
const (
	maxInternedLen = 64
	maxInterned    = 1 << 14
)

// toValue converts one object's node.
func (c *converter) toValue(n *yaml.Node) (ast.Value, error) {
	c.nodes = 0
	c.pairs = c.pairs[:0]
	t, err := c.term(n, 0)
	if err != nil {
		return nil, err
	}
	return t.Value, nil
}

func (c *converter) term(n *yaml.Node, depth int) (*ast.Term, error) {
	if depth > maxDepth {
		return nil, &valueError{n.Line, n.Column, fmt.Sprintf("document nests more than %d levels deep", maxDepth)}
	}
	if c.nodes++; c.nodes > maxNodes {
		return nil, &valueError{n.Line, n.Column, fmt.Sprintf("document expands to more than %d values (aliases repeated too often)", maxNodes)}
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return ast.InternedNullTerm, nil
		}
		return c.term(n.Content[0], depth+1)
	case yaml.AliasNode:
		return c.term(n.Alias, depth+1)
	case yaml.SequenceNode:
		terms := make([]*ast.Term, 0, len(n.Content))
		for _, item := range n.Content {
			t, err := c.term(item, depth+1)
			if err != nil {
				return nil, err
			}
			terms = append(terms, t)
		}
		return ast.NewTerm(ast.NewArray(terms...)), nil
	case yaml.MappingNode:
		m := mapping{start: len(c.pairs)}
		err := c.addMapping(&m, n, depth, false)
		var obj ast.Object
		if err == nil {
			obj = ast.NewObject(c.pairs[m.start:]...) // copies the pairs
		}
		clear(c.pairs[m.start:])
		c.pairs = c.pairs[:m.start]
		if err != nil {
			return nil, err
		}
		return ast.NewTerm(obj), nil
	case yaml.ScalarNode:
		return c.scalar(n)
	}
	return nil, &valueError{n.Line, n.Column, fmt.Sprintf("unexpected YAML node kind %d", n.Kind)}
}

// mapping is an object under construction: its pairs are c.pairs[start:].
type mapping struct {
	start int
	// index holds the keys of a large mapping, where looking through the
	// pairs one by one would cost too much.
	index map[string]bool
}

// has reports whether the mapping already holds key.
func (c *converter) has(m *mapping, key string) bool {
	if m.index != nil {
		return m.index[key]
	}
	pairs := c.pairs[m.start:]
	for _, p := range pairs {
		if string(p[0].Value.(ast.String)) == key {
			return true
		}
	}
	if len(pairs) >= 32 {
		m.index = make(map[string]bool, 2*len(pairs))
		for _, p := range pairs {
			m.index[string(p[0].Value.(ast.String))] = true
		}
	}
	return false
}

// addMapping adds a mapping's pairs; merge keys (<<) contribute only the
// keys the mapping does not set itself, as YAML defines them.
func (c *converter) addMapping(m *mapping, n *yaml.Node, depth int, merged bool) error {
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			merges = append(merges, v)
			continue
		}
		if c.has(m, k.Value) {
			if merged {
				continue
			}
			return &valueError{k.Line, k.Column, fmt.Sprintf("duplicate key %q", k.Value)}
		}
		val, err := c.term(v, depth+1)
		if err != nil {
			return err
		}
		if _, isNull := val.Value.(ast.Null); isNull {
			// The API server reads `field: null` (or a key with no value) as
			// unset; so do the rules.
			continue
		}
		c.pairs = append(c.pairs, [2]*ast.Term{c.str(k.Value), val})
		if m.index != nil {
			m.index[k.Value] = true
		}
	}
	for _, mn := range merges {
		for _, src := range mergeSources(mn) {
			if src.Kind != yaml.MappingNode {
				return &valueError{mn.Line, mn.Column, "merge key (<<) must refer to a mapping"}
			}
			if err := c.addMapping(m, src, depth+1, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// str is the term of a string, shared with earlier ones of the same text.
func (c *converter) str(s string) *ast.Term {
	if len(s) > maxInternedLen {
		return ast.StringTerm(s)
	}
	if t, ok := c.strings[s]; ok {
		return t
	}
	t := ast.StringTerm(s)
	if c.strings == nil {
		c.strings = make(map[string]*ast.Term, 256)
	}
	if len(c.strings) < maxInterned {
		c.strings[s] = t
	}
	return t
}

// strBytes is str of a string's bytes, which it copies only when the
// string is new.
func (c *converter) strBytes(b []byte) *ast.Term {
	if t, ok := c.strings[string(b)]; ok {
		return t
	}
	return c.str(string(b))
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

func (c *converter) scalar(n *yaml.Node) (*ast.Term, error) {
	switch n.ShortTag() {
	case "!!null":
		return ast.InternedNullTerm, nil
	case "!!bool":
		// The two spellings of JSON need no decoding; YAML 1.1's others do.
		switch n.Value {
		case "true":
			return ast.InternedTerm(true), nil
		case "false":
			return ast.InternedTerm(false), nil
		}
		var b bool
		if err := n.Decode(&b); err != nil {
			return nil, &valueError{n.Line, n.Column, err.Error()}
		}
		return ast.InternedTerm(b), nil
	case "!!int":
		if i, err := strconv.ParseInt(n.Value, 10, 64); err == nil && strconv.FormatInt(i, 10) == n.Value {
			if t := ast.InternedIntNumberTermFromString(n.Value); t != nil {
				return t, nil
			}
			return ast.NewTerm(ast.Number(json.Number(n.Value))), nil
		}
		// 0755, 0x1F, +3, 1_000: let YAML say what number it is.
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, &valueError{n.Line, n.Column, err.Error()}
		}
		return ast.NewTerm(ast.Number(json.Number(fmt.Sprint(v)))), nil
	case "!!float":
		var f float64
		if err := n.Decode(&f); err != nil {
			return nil, &valueError{n.Line, n.Column, err.Error()}
		}
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return c.str(n.Value), nil
		}
		return ast.NewTerm(ast.Number(json.Number(strconv.FormatFloat(f, 'g', -1, 64)))), nil
	}
	// Strings, timestamps, binary and custom tags: the API server sees text.
	return c.str(n.Value), nil
}
