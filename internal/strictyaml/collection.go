package strictyaml

import (
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// structure fills a struct from a mapping, by the fields' yaml tags.
func (s *state) structure(n *yaml.Node, v reflect.Value, path string) {
	if !s.kind(n, yaml.MappingNode, "a mapping", path) {
		return
	}
	fields := Fields(v.Type())
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		p := join(path, k.Value)
		f, ok := fieldByName(fields, k.Value)
		switch {
		case !ok:
			s.addIn(k, Unknown, p, path, "unknown key %q: want one of %s", k.Value, names(fields))
			continue
		case seen[k.Value]:
			s.addIn(k, Repeated, p, path, "key %q written twice", k.Value)
			continue
		}
		seen[k.Value] = true
		s.res.Lines[p] = k.Line
		fv := v.FieldByIndex(f.Index)
		before := len(s.res.Problems)
		s.decode(val, fv, p)
		if len(s.res.Problems) == before {
			// A value already refused is not judged again.
			s.constrain(val, fv, f, p)
		}
	}
	s.required(n, fields, seen, path)
}

// required reports the required fields not written, at the mapping.
func (s *state) required(n *yaml.Node, fields []Field, seen map[string]bool, path string) {
	for _, f := range fields {
		if f.Required && !seen[f.Name] {
			s.addIn(n, Constraint, join(path, f.Name), path, "%s is required", f.Name)
		}
	}
}

// constrain checks a written field's minLength (of its text, blanks left
// out) and minItems.
func (s *state) constrain(n *yaml.Node, v reflect.Value, f Field, path string) {
	switch {
	case f.MinLength != "" && v.Kind() == reflect.String && strings.TrimSpace(v.String()) == "":
		s.add(n, Constraint, path, "must not be empty")
	case f.MinItems != "" && v.Kind() == reflect.Slice && v.Len() == 0:
		s.add(n, Constraint, path, "list at least one")
	}
}

// mapping fills a map whose keys are strings or Scalars.
func (s *state) mapping(n *yaml.Node, v reflect.Value, path string) {
	if !s.kind(n, yaml.MappingNode, "a mapping", path) {
		return
	}
	if v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		p := join(path, kn.Value)
		before := len(s.res.Problems)
		key := reflect.New(v.Type().Key()).Elem()
		s.decode(kn, key, p)
		if len(s.res.Problems) > before {
			continue
		}
		if v.MapIndex(key).IsValid() {
			s.addIn(kn, Repeated, p, path, "key %q written twice", kn.Value)
			continue
		}
		s.res.Lines[p] = kn.Line
		val := reflect.New(v.Type().Elem()).Elem()
		s.decode(vn, val, p)
		v.SetMapIndex(key, val)
	}
}

// sequence fills a slice from a list.
func (s *state) sequence(n *yaml.Node, v reflect.Value, path string) {
	if !s.kind(n, yaml.SequenceNode, "a list", path) {
		return
	}
	sl := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		p := fmt.Sprintf("%s[%d]", path, i)
		s.res.Lines[p] = item.Line
		s.decode(item, sl.Index(i), p)
	}
	v.Set(sl)
}

// kind checks that n is a node of the kind, named desc in messages.
func (s *state) kind(n *yaml.Node, kind yaml.Kind, desc, path string) bool {
	if n.Kind != kind {
		s.add(n, WrongType, path, "want %s, got %s", desc, describe(n))
		return false
	}
	return true
}
