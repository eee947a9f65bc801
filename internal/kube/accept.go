package kube

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// shapes caches, per Go type, what the strict decoder accepts: most objects
// are valid, and proving it on the Rego value the loader already holds is
// far cheaper than writing the JSON and decoding it into the typed struct.
type shapes struct {
	mu     sync.Mutex
	byType map[reflect.Type]*shape
	byKind map[schema.GroupVersionKind]*shape
}

type shapeKind uint8

const (
	// unsure: a type the fast check does not model; any value sends the
	// object to the decoder.
	unsure shapeKind = iota
	anything
	unmarshaler
	structure
	mapping
	list
	text
	boolean
	signed
	unsigned
	float
)

// shape is a Go type as the strict JSON decoder sees it. Shapes reachable
// from a published root are never written again.
type shape struct {
	kind shapeKind
	// bits is the size of a number type.
	bits int
	// typ is the type whose UnmarshalJSON judges the value.
	typ reflect.Type
	// fields holds a struct's fields by JSON name, embedded structs'
	// fields included.
	fields map[string]*shape
	// elem is a list's entry or a map's value.
	elem *shape
}

var (
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	jsonNumberType      = reflect.TypeFor[json.Number]()
)

// Accepts reports whether Check would find no problem at all in obj, the
// manifest of a built-in kind as a Rego value (the JSON Check would read).
// It answers false whenever it is not sure, so a false says nothing: the
// caller runs Check then, for the problems and their exact wording.
func (c *Checker) Accepts(apiVersion, kind string, obj ast.Value) bool {
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return false
	}
	gvk := gv.WithKind(kind)
	// Check blanks a Secret's data before decoding; Secrets take that route.
	if !c.scheme.Recognizes(gvk) || (gv.Group == "" && kind == "Secret") {
		return false
	}
	s := c.shapes.root(gvk, func() (reflect.Type, error) {
		o, err := c.scheme.New(gvk)
		if err != nil {
			return nil, err
		}
		return reflect.TypeOf(o), nil
	})
	if s == nil {
		return false
	}
	w := acceptor{buf: make([]byte, 0, 128)}
	return w.value(s, obj)
}

// root returns the shape of a kind's type, built once.
func (s *shapes) root(gvk schema.GroupVersionKind, newType func() (reflect.Type, error)) *shape {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sh, ok := s.byKind[gvk]; ok {
		return sh
	}
	if s.byType == nil {
		s.byType = map[reflect.Type]*shape{}
		s.byKind = map[schema.GroupVersionKind]*shape{}
	}
	var sh *shape
	if t, err := newType(); err == nil {
		sh = s.of(t)
	}
	s.byKind[gvk] = sh
	return sh
}

// of builds the shape of t the way encoding/json (and sigs.k8s.io/json, its
// strict fork) decodes into it; s.mu is held.
func (s *shapes) of(t reflect.Type) *shape {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if sh, ok := s.byType[t]; ok {
		return sh
	}
	sh := &shape{}
	s.byType[t] = sh // before the fields: types may be recursive
	pt := reflect.PointerTo(t)
	switch {
	case pt.Implements(jsonUnmarshalerType):
		sh.kind, sh.typ = unmarshaler, t
		return sh
	case pt.Implements(textUnmarshalerType):
		return sh // unsure
	}
	switch t.Kind() {
	case reflect.Interface:
		if t.NumMethod() == 0 {
			sh.kind = anything
		}
	case reflect.Struct:
		fields := map[string]*shape{}
		if s.addFields(fields, t, 0) {
			sh.kind, sh.fields = structure, fields
		}
	case reflect.Map:
		if t.Key().Kind() == reflect.String && !reflect.PointerTo(t.Key()).Implements(textUnmarshalerType) {
			sh.kind, sh.elem = mapping, s.of(t.Elem())
		}
	case reflect.Slice:
		// []byte takes base64 text: left to the decoder.
		if t.Elem().Kind() != reflect.Uint8 {
			sh.kind, sh.elem = list, s.of(t.Elem())
		}
	case reflect.String:
		if t != jsonNumberType {
			sh.kind = text
		}
	case reflect.Bool:
		sh.kind = boolean
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		sh.kind, sh.bits = signed, t.Bits()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		sh.kind, sh.bits = unsigned, t.Bits()
	case reflect.Float32, reflect.Float64:
		sh.kind, sh.bits = float, t.Bits()
	}
	return sh
}

// addFields adds a struct's fields by JSON name, descending into embedded
// structs as encoding/json does. It reports false for a struct the fast
// check does not model: a name given twice (encoding/json's dominance rules
// would pick one, or none), ",string" fields, unusual tags or embeddings.
func (s *shapes) addFields(fields map[string]*shape, t reflect.Type, depth int) bool {
	if depth > 8 {
		return false
	}
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(","+opts+",", ",string,") || !plainName(name) {
			return false
		}
		ft := sf.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if sf.Anonymous {
			if !sf.IsExported() && ft.Kind() != reflect.Struct {
				continue // ignored by encoding/json
			}
			if name == "" {
				if ft.Kind() != reflect.Struct || (!sf.IsExported() && sf.Type.Kind() == reflect.Pointer) {
					return false
				}
				if !s.addFields(fields, ft, depth+1) {
					return false
				}
				continue
			}
		} else if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		if _, twice := fields[name]; twice {
			return false
		}
		fields[name] = s.of(sf.Type)
	}
	return true
}

// plainName accepts the tag names Kubernetes' types use; anything else
// (which encoding/json might reject and replace by the Go name) is left to
// the decoder.
func plainName(name string) bool {
	for i := range len(name) {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == '$') {
			return false
		}
	}
	return true
}

// acceptor walks a value against a shape.
type acceptor struct {
	// buf holds the JSON of values handed to UnmarshalJSON methods.
	buf []byte
}

func (w *acceptor) value(s *shape, v ast.Value) bool {
	switch s.kind {
	case anything:
		return anyValue(v)
	case unmarshaler:
		var ok bool
		if w.buf, ok = AppendJSON(w.buf[:0], v); !ok {
			return false
		}
		u, isU := reflect.New(s.typ).Interface().(json.Unmarshaler)
		return isU && u.UnmarshalJSON(w.buf) == nil
	case structure, mapping:
		obj, ok := v.(ast.Object)
		if !ok {
			return false
		}
		return !obj.Until(func(k, val *ast.Term) bool {
			key, ok := k.Value.(ast.String)
			if !ok {
				return true
			}
			field := s.elem
			if s.kind == structure {
				if field = s.fields[string(key)]; field == nil {
					return true // an unknown field
				}
			}
			return !w.value(field, val.Value)
		})
	case list:
		arr, ok := v.(*ast.Array)
		if !ok {
			return false
		}
		for i := range arr.Len() {
			if !w.value(s.elem, arr.Elem(i).Value) {
				return false
			}
		}
		return true
	case text:
		_, ok := v.(ast.String)
		return ok
	case boolean:
		_, ok := v.(ast.Boolean)
		return ok
	case signed:
		n, ok := v.(ast.Number)
		if !ok || !validNumber(string(n)) {
			return false
		}
		i, err := strconv.ParseInt(string(n), 10, 64)
		return err == nil && (s.bits == 64 || (i >= -(1<<(s.bits-1)) && i < 1<<(s.bits-1)))
	case unsigned:
		n, ok := v.(ast.Number)
		if !ok || !validNumber(string(n)) {
			return false
		}
		u, err := strconv.ParseUint(string(n), 10, 64)
		return err == nil && (s.bits == 64 || u < 1<<s.bits)
	case float:
		n, ok := v.(ast.Number)
		if !ok || !validNumber(string(n)) {
			return false
		}
		_, err := strconv.ParseFloat(string(n), s.bits)
		return err == nil
	}
	return false
}

// anyValue accepts what decodes into an empty interface: anything whose
// numbers are float64s.
func anyValue(v ast.Value) bool {
	switch x := v.(type) {
	case ast.Null, ast.Boolean, ast.String:
		return true
	case ast.Number:
		if !validNumber(string(x)) {
			return false
		}
		_, err := strconv.ParseFloat(string(x), 64)
		return err == nil
	case *ast.Array:
		for i := range x.Len() {
			if !anyValue(x.Elem(i).Value) {
				return false
			}
		}
		return true
	case ast.Object:
		return !x.Until(func(k, val *ast.Term) bool {
			_, ok := k.Value.(ast.String)
			return !ok || !anyValue(val.Value)
		})
	}
	return false
}

// validNumber accepts a JSON number literal and nothing else (no padding).
func validNumber(s string) bool {
	if isPlainInteger(s) {
		return true
	}
	digit := func(c byte) bool { return c >= '0' && c <= '9' }
	return s != "" && (s[0] == '-' || digit(s[0])) && digit(s[len(s)-1]) && json.Valid([]byte(s))
}
