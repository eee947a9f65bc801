package strictyaml

import (
	"fmt"
	"reflect"
	"strconv"

	"gopkg.in/yaml.v3"
)

var scalarType = reflect.TypeFor[Scalar]()

// decode fills v from n; path names v in messages.
func (s *state) decode(n *yaml.Node, v reflect.Value, path string) {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return // written but empty: the zero value, as if left out
	}
	if v.Addr().Type().Implements(scalarType) {
		s.scalar(n, v, path)
		return
	}
	switch v.Kind() {
	case reflect.Interface:
		// Any value is accepted and left unread: keys others check.
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		s.decode(n, v.Elem(), path)
	case reflect.Struct:
		s.structure(n, v, path)
	case reflect.Map:
		s.mapping(n, v, path)
	case reflect.Slice:
		s.sequence(n, v, path)
	default:
		s.basic(n, v, path)
	}
}

// basic fills a string, an integer or a boolean.
func (s *state) basic(n *yaml.Node, v reflect.Value, path string) {
	switch v.Kind() {
	case reflect.String:
		if s.want(n, "!!str", "a string", path) {
			v.SetString(n.Value)
		}
	case reflect.Int:
		if s.want(n, "!!int", "an integer", path) {
			s.integer(n, v, path)
		}
	case reflect.Bool:
		var b bool
		if s.want(n, "!!bool", "true or false", path) && n.Decode(&b) == nil {
			v.SetBool(b)
		}
	default:
		panic(fmt.Sprintf("strictyaml: no decoding for %s", v.Type()))
	}
}

// integer fills an int from an !!int scalar, which YAML allows to be
// larger than an int holds.
func (s *state) integer(n *yaml.Node, v reflect.Value, path string) {
	i, err := strconv.Atoi(n.Value)
	if err != nil {
		s.add(n, Invalid, path, "%q is not an integer slotcheck can read", n.Value)
		return
	}
	v.SetInt(int64(i))
}

// want checks that n is a scalar of the tag.
func (s *state) want(n *yaml.Node, tag, desc, path string) bool {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != tag {
		s.add(n, WrongType, path, "want %s, got %s", desc, describe(n))
		return false
	}
	return true
}

// scalar fills a value its type checks: from a string, or for a date from
// the timestamp YAML reads an unquoted date as.
func (s *state) scalar(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!str" && n.ShortTag() != "!!timestamp") {
		s.add(n, WrongType, path, "want a string, got %s", describe(n))
		return
	}
	sc := v.Addr().Interface().(Scalar)
	if err := sc.SetScalar(n); err != nil {
		s.add(n, Invalid, path, "%v", err)
		return
	}
	if s.OnScalar != nil {
		s.OnScalar(path, n, sc)
	}
}
