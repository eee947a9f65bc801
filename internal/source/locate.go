package source

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"
	"gopkg.in/yaml.v3"
)

// Position is a place in a source file, 1-based.
type Position struct {
	Line   int
	Column int
	// EndColumn is one past the last character of the token at Line and
	// Column (the value, the key or the entry's first key), on the same line.
	EndColumn int
	// Exact is false when the field itself is missing and Line and Column
	// point at the nearest enclosing field that exists.
	Exact bool
	// Note says why the line is not the field's own, for the reader: a
	// Helm template's loop writes every item at the same lines.
	Note string
}

// Locate finds the field at path (strings for keys, ints for list indexes)
// inside an object's node. A scalar field is located at its value; a mapping
// or list field at its key; a list entry at its first line. A missing field
// is located at the deepest part of the path that exists.
func Locate(node *yaml.Node, path []any) Position {
	return locate(node, path, false)
}

// LocateKey is Locate, but a field that exists is located at its key: the
// place to point at when the key itself is wrong (unknown, misspelt).
func LocateKey(node *yaml.Node, path []any) Position {
	return locate(node, path, true)
}

func locate(node *yaml.Node, path []any, atKey bool) Position {
	cur := resolve(node)
	best := at(cur)
	for _, seg := range path {
		switch s := seg.(type) {
		case string:
			key, val := lookup(cur, s, 0)
			if key == nil {
				return best
			}
			best = at(key)
			cur = resolve(val)
		case int:
			if cur.Kind != yaml.SequenceNode || s < 0 || s >= len(cur.Content) {
				return best
			}
			cur = resolve(cur.Content[s])
			best = at(cur)
		default:
			return best
		}
	}
	if cur.Kind == yaml.ScalarNode && !(atKey && len(path) > 0 && isKey(path[len(path)-1])) {
		best = at(cur)
	}
	best.Exact = true
	return best
}

// at is the position of a node: a mapping is located at its first key.
func at(n *yaml.Node) Position {
	token := n
	if n.Kind == yaml.MappingNode && n.Style&yaml.FlowStyle == 0 && len(n.Content) > 0 {
		token = n.Content[0]
	}
	return Position{Line: n.Line, Column: n.Column, EndColumn: n.Column + span(token)}
}

// span is how many characters a token takes on its first line, as written.
func span(n *yaml.Node) int {
	switch n.Kind {
	case yaml.ScalarNode:
		switch {
		case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
			return 1 // the | or > indicator
		case n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
			first, _, multi := strings.Cut(n.Value, "\n")
			if multi {
				return utf8.RuneCountInString(first) + 1
			}
			return utf8.RuneCountInString(n.Value) + 2
		}
		first, _, _ := strings.Cut(n.Value, "\n")
		return max(1, utf8.RuneCountInString(first))
	case yaml.AliasNode:
		return 1 + utf8.RuneCountInString(n.Value)
	}
	return 1 // [ or { of a flow collection, - of an entry
}

func isKey(seg any) bool {
	_, ok := seg.(string)
	return ok
}

// lookup finds key in a mapping, looking through merge keys (<<) the way
// the value conversion does: the mapping's own keys win.
func lookup(m *yaml.Node, key string, depth int) (*yaml.Node, *yaml.Node) {
	if m.Kind != yaml.MappingNode || depth > maxDepth {
		return nil, nil
	}
	var merges []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if k.Tag == "!!merge" {
			merges = append(merges, m.Content[i+1])
			continue
		}
		if k.Value == key {
			return k, m.Content[i+1]
		}
	}
	for _, mn := range merges {
		for _, src := range mergeSources(mn) {
			if k, v := lookup(src, key, depth+1); k != nil {
				return k, v
			}
		}
	}
	return nil, nil
}

// Concrete fills in the list indexes a path leaves out (the JSON decoder's
// type errors say spec.containers.image, not spec.containers[1].image): it
// returns the first concrete path through the node that reaches the end of
// path, else the one that reaches furthest.
func Concrete(node *yaml.Node, path []any) []any {
	best, _ := concrete(resolve(node), path, nil, 0)
	return best
}

func concrete(n *yaml.Node, path []any, prefix []any, depth int) ([]any, bool) {
	if len(path) == 0 {
		return prefix, true
	}
	if depth > maxDepth {
		return prefix, false
	}
	switch seg := path[0].(type) {
	case string:
		if n.Kind == yaml.SequenceNode {
			best := prefix
			for i, item := range n.Content {
				p, ok := concrete(resolve(item), path, append(clonePath(prefix), i), depth+1)
				if ok {
					return p, true
				}
				if len(p) > len(best) {
					best = p
				}
			}
			return best, false
		}
		_, v := lookup(n, seg, 0)
		if v == nil || isNull(resolve(v)) {
			// A null field is unset (see converter.addMapping): a problem
			// the decoder found is never at it, but at a later entry.
			return prefix, false
		}
		return concrete(resolve(v), path[1:], append(clonePath(prefix), seg), depth+1)
	case int:
		if n.Kind != yaml.SequenceNode || seg < 0 || seg >= len(n.Content) {
			return prefix, false
		}
		return concrete(resolve(n.Content[seg]), path[1:], append(clonePath(prefix), seg), depth+1)
	}
	return prefix, false
}

// concreteValue is Concrete for an object's value, read without nodes.
func concreteValue(v ast.Value, path []any) []any {
	best, _ := concreteIn(v, path, nil, 0)
	return best
}

func concreteIn(v ast.Value, path []any, prefix []any, depth int) ([]any, bool) {
	if len(path) == 0 {
		return prefix, true
	}
	if depth > maxDepth {
		return prefix, false
	}
	switch seg := path[0].(type) {
	case string:
		if arr, ok := v.(*ast.Array); ok {
			best := prefix
			for i := range arr.Len() {
				p, ok := concreteIn(arr.Elem(i).Value, path, append(clonePath(prefix), i), depth+1)
				if ok {
					return p, true
				}
				if len(p) > len(best) {
					best = p
				}
			}
			return best, false
		}
		obj, ok := v.(ast.Object)
		if !ok {
			return prefix, false
		}
		t := obj.Get(ast.InternedTerm(seg))
		if t == nil {
			return prefix, false
		}
		return concreteIn(t.Value, path[1:], append(clonePath(prefix), seg), depth+1)
	case int:
		arr, ok := v.(*ast.Array)
		if !ok || seg < 0 || seg >= arr.Len() {
			return prefix, false
		}
		return concreteIn(arr.Elem(seg).Value, path[1:], append(clonePath(prefix), seg), depth+1)
	}
	return prefix, false
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func clonePath(p []any) []any { return append(make([]any, 0, len(p)+1), p...) }

// FieldPath writes a path the way kubectl explain and JSONPath users read it:
// spec.template.spec.containers[0].securityContext.
func FieldPath(path []any) string {
	// Every finding has one: appended by hand, without fmt, in a buffer
	// of the stack that most paths fit, so that the string is the one
	// allocation.
	var buf [128]byte
	b := buf[:0]
	for _, seg := range path {
		switch s := seg.(type) {
		case int:
			b = append(b, '[')
			b = strconv.AppendInt(b, int64(s), 10)
			b = append(b, ']')
		case string:
			if strings.ContainsAny(s, ".[]") || s == "" {
				b = append(b, '[')
				b = strconv.AppendQuote(b, s)
				b = append(b, ']')
				continue
			}
			if len(b) > 0 {
				b = append(b, '.')
			}
			b = append(b, s...)
		}
	}
	return string(b)
}
