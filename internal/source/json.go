package source

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"gopkg.in/yaml.v3"

	"github.com/slotwise/slotcheck/internal/kube"
)

// JSONReader reads JSON documents the way Parse reads a .json file, straight
// into the Rego values the rules see, without building YAML nodes first: the
// webhook's path, where the API server sends every object as JSON and
// nobody reads a line number. An object it reads has no Node: its findings
// carry field paths, not lines. Parse is the reference it is tested against
// (same objects, values, errors and findings); the two part only where
// YAML reads valid JSON differently from the API server, and there
// JSONReader reads it as the API server does.
//
// A JSONReader is safe for concurrent use. It keeps a few converters, whose
// interned strings serve review after review.
type JSONReader struct {
	checker    *kube.Checker
	converters sync.Pool
}

// NewJSONReader returns a reader that checks built-in kinds with checker
// (shared, since it learns each kind's shape once); nil means a new one.
func NewJSONReader(checker *kube.Checker) *JSONReader {
	if checker == nil {
		checker = kube.NewChecker()
	}
	return &JSONReader{checker: checker, converters: sync.Pool{New: func() any { return &converter{} }}}
}

// Parse reads one JSON document named name: an object, a List of them, or
// something else that is counted as skipped.
func (r *JSONReader) Parse(name string, src []byte) *Result {
	c := r.converters.Get().(*converter)
	defer r.converters.Put(c)
	l := &loader{res: &Result{Files: 1}, checker: r.checker}
	d := &jsonDocument{loader: l, c: c, name: name, src: src}
	d.read()
	return l.res
}

// jsonDocument is one document being read.
type jsonDocument struct {
	*loader
	c    *converter
	name string
	src  []byte
}

// jsonHeader holds what decides how a document is read, found before any
// of it is converted: the fields as YAML's lookup finds them (the first of
// each key), scalars as the text YAML nodes hold.
type jsonHeader struct {
	apiVersion, kind string
	// items and metadata are the offsets of those fields' values; -1 when
	// absent.
	items, metadata int
}

// read checks the whole document, then reads its value. An object's
// header is read as it is checked: one pass less over the usual document.
func (d *jsonDocument) read() {
	s := &jsonScanner{src: d.src}
	if s.atEnd() {
		d.fail(s.errorf("invalid JSON: no value"))
		return
	}
	start := s.pos
	var h jsonHeader
	var err error
	if s.src[start] == '{' {
		h, err = d.header(s)
	} else {
		_, err = s.skip(0)
	}
	if err == nil && !s.atEnd() {
		err = s.unexpected("the end of the document")
	}
	if err != nil {
		d.fail(err)
		return
	}
	if s.src[start] == '{' {
		d.object(start, h)
		return
	}
	d.value(start)
}

// value reads the document or List item at offset, which is known valid.
func (d *jsonDocument) value(offset int) {
	s := &jsonScanner{src: d.src, pos: offset}
	switch s.peek() {
	case 'n':
		return // null: YAML reads a document of comments alone so
	case '{':
	default:
		d.res.Skipped++
		return
	}
	h, err := d.header(s)
	if err != nil {
		d.fail(err)
		return
	}
	d.object(offset, h)
}

// object reads the object at offset, whose header is h, as Parse reads a
// document: a Kubernetes object, a List of them, or something skipped.
func (d *jsonDocument) object(offset int, h jsonHeader) {
	if h.apiVersion == "" || h.kind == "" || isToolConfig(h.apiVersion, h.kind) {
		d.res.Skipped++
		return
	}
	if h.items >= 0 && strings.HasSuffix(h.kind, "List") {
		d.list(h.kind, h.items)
		return
	}
	d.convert(offset, h)
}

// header consumes the object at the scanner, checking it, for its
// jsonHeader.
func (d *jsonDocument) header(s *jsonScanner) (jsonHeader, error) {
	h := jsonHeader{items: -1, metadata: -1}
	var apiVersionSeen, kindSeen bool
	err := s.members(func(key []byte) error {
		switch string(key) {
		case "apiVersion":
			if !apiVersionSeen {
				h.apiVersion, apiVersionSeen = scalarText(s), true
			}
		case "kind":
			if !kindSeen {
				h.kind, kindSeen = scalarText(s), true
			}
		case "items":
			if h.items < 0 {
				h.items = s.pos
			}
		case "metadata":
			if h.metadata < 0 {
				h.metadata = s.pos
			}
		}
		_, err := s.skip(1)
		return err
	})
	return h, err
}

// scalarText is the text YAML's node holds for the scalar at the scanner's
// position (a string's content, a number or literal as written), empty for
// an object or array. It leaves the scanner where it was.
func scalarText(s *jsonScanner) string {
	at := s.pos
	defer func() { s.pos = at }()
	switch s.peek() {
	case '{', '[':
		return ""
	}
	_, text, err := s.scalar()
	if err != nil {
		return ""
	}
	return text
}

// list reads the items of a List kind as documents of their own.
func (d *jsonDocument) list(kind string, offset int) {
	s := &jsonScanner{src: d.src, pos: offset}
	switch s.peek() {
	case 'n':
		return
	case '[':
	default:
		line, col := jsonPosition(d.src, offset)
		d.res.errorf(d.name, line, col, "%s: items must be a list", kind)
		return
	}
	var items []int
	_ = s.elements(func() error {
		items = append(items, s.pos)
		_, err := s.skip(1)
		return err
	})
	for _, it := range items {
		d.value(it)
	}
}

// convert converts the object at offset and checks it as Parse does.
func (d *jsonDocument) convert(offset int, h jsonHeader) {
	val, err := d.c.fromJSON(d.src, offset)
	if err != nil {
		d.fail(err)
		return
	}
	line, _ := jsonPosition(d.src, offset)
	o := &Object{File: d.name, Domain: "k8s", Line: line, Value: val, APIVersion: h.apiVersion, Kind: h.kind}
	if h.metadata >= 0 {
		o.Name, o.Namespace = d.names(h.metadata)
	}
	if d.schemaErrors(d.res, d.c, o) {
		return
	}
	d.res.Objects = append(d.res.Objects, o)
}

// names reads metadata.name and metadata.namespace as scalar text.
func (d *jsonDocument) names(offset int) (name, namespace string) {
	s := &jsonScanner{src: d.src, pos: offset}
	if s.peek() != '{' {
		return "", ""
	}
	var nameSeen, namespaceSeen bool
	_ = s.members(func(key []byte) error {
		switch k := string(key); {
		case k == "name" && !nameSeen:
			name, nameSeen = scalarText(s), true
		case k == "namespace" && !namespaceSeen:
			namespace, namespaceSeen = scalarText(s), true
		}
		_, err := s.skip(1)
		return err
	})
	return name, namespace
}

// fail records a problem of the document at its line.
func (d *jsonDocument) fail(err error) {
	var je *jsonError
	if errors.As(err, &je) {
		line, col := jsonPosition(d.src, je.offset)
		d.res.errorf(d.name, line, col, "%s", je.msg)
		return
	}
	d.res.errorf(d.name, 0, 0, "%v", err)
}

// fromJSON converts the valid JSON value at offset, with the same limits
// and the same rules (a null field is unset, a duplicate key is an error,
// numbers as YAML reads them) as toValue.
func (c *converter) fromJSON(src []byte, offset int) (ast.Value, error) {
	c.nodes = 0
	c.pairs = c.pairs[:0]
	c.items = c.items[:0]
	s := &jsonScanner{src: src, pos: offset}
	t, err := c.jsonTerm(s, 0)
	if err != nil {
		return nil, err
	}
	return t.Value, nil
}

func (c *converter) jsonTerm(s *jsonScanner, depth int) (*ast.Term, error) {
	s.skipSpace()
	if depth > maxDepth {
		return nil, s.errorf("document nests more than %d levels deep", maxDepth)
	}
	if c.nodes++; c.nodes > maxNodes {
		return nil, s.errorf("document expands to more than %d values (aliases repeated too often)", maxNodes)
	}
	switch s.peek() {
	case '{':
		return c.jsonObject(s, depth)
	case '[':
		return c.jsonArray(s, depth)
	}
	if s.pos < len(s.src) && s.src[s.pos] == '"' {
		body, _, err := s.rawStr()
		if err != nil {
			return nil, err
		}
		return c.strBytes(body), nil
	}
	kind, text, err := s.scalar()
	if err != nil {
		return nil, err
	}
	switch kind {
	case scalarNumber:
		return c.jsonNumber(text, s)
	case scalarTrue:
		return ast.InternedTerm(true), nil
	case scalarFalse:
		return ast.InternedTerm(false), nil
	}
	return ast.InternedNullTerm, nil
}

func (c *converter) jsonObject(s *jsonScanner, depth int) (*ast.Term, error) {
	m := mapping{start: len(c.pairs)}
	err := s.members(func(rawKey []byte) error {
		keyTerm := c.strBytes(rawKey)
		key := string(keyTerm.Value.(ast.String))
		if c.has(&m, key) {
			return s.errorf("duplicate key %q", key)
		}
		val, err := c.jsonTerm(s, depth+1)
		if err != nil {
			return err
		}
		if _, isNull := val.Value.(ast.Null); isNull {
			return nil // unset, as in toValue
		}
		c.pairs = append(c.pairs, [2]*ast.Term{keyTerm, val})
		if m.index != nil {
			m.index[key] = true
		}
		return nil
	})
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
}

func (c *converter) jsonArray(s *jsonScanner, depth int) (*ast.Term, error) {
	start := len(c.items)
	err := s.elements(func() error {
		t, err := c.jsonTerm(s, depth+1)
		if err == nil {
			c.items = append(c.items, t)
		}
		return err
	})
	var arr *ast.Array
	if err == nil {
		// NewArray keeps the slice it is given: it gets its own.
		arr = ast.NewArray(slices.Clone(c.items[start:])...)
	}
	clear(c.items[start:])
	c.items = c.items[:start]
	if err != nil {
		return nil, err
	}
	return ast.NewTerm(arr), nil
}

// jsonNumber is a number as toValue reads the same plain YAML scalar: a
// decimal integer as written, anything else through YAML's resolution,
// which the reference shares.
func (c *converter) jsonNumber(text string, s *jsonScanner) (*ast.Term, error) {
	if i, err := strconv.ParseInt(text, 10, 64); err == nil && strconv.FormatInt(i, 10) == text {
		if t := ast.InternedIntNumberTermFromString(text); t != nil {
			return t, nil
		}
		return ast.NewTerm(ast.Number(text)), nil
	}
	t, err := c.scalar(&yaml.Node{Kind: yaml.ScalarNode, Value: text})
	if err != nil {
		var ve *valueError
		if errors.As(err, &ve) {
			return nil, s.errorf("%s", ve.msg)
		}
		return nil, s.errorf("%v", err)
	}
	return t, nil
}
