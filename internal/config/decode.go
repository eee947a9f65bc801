package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// position is a place in the file, 1-based.
type position struct{ line, column int }

func at(n *yaml.Node) position { return position{n.Line, n.Column} }

// problem is one thing wrong with the file, at its place.
type problem struct {
	pos position
	msg string
}

// decoder fills Go values from YAML nodes, strictly: an unknown or
// repeated key, a value of the wrong type or a value its type refuses is a
// problem at its line and column. It goes on after a problem, so that one
// run reports them all.
type decoder struct {
	problems []problem
	// ruleRefs are the rule ids written, where they were written.
	ruleRefs []ruleRef
}

// ruleRef is a rule id written in the file.
type ruleRef struct {
	id  RuleID
	pos position
}

func (d *decoder) addf(n *yaml.Node, format string, args ...any) {
	d.problems = append(d.problems, problem{at(n), fmt.Sprintf(format, args...)})
}

var scalarType = reflect.TypeFor[scalar]()

// decode fills v from n; what is the field's name says which field it is,
// for messages.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, what string) {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return // written but empty: the zero value, as if left out
	}
	if v.Addr().Type().Implements(scalarType) {
		d.scalar(n, v, what)
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		d.structure(n, v, what)
	case reflect.Map:
		d.mapping(n, v, what)
	case reflect.Slice:
		d.sequence(n, v, what)
	case reflect.String:
		if d.want(n, "!!str", "a string", what) {
			v.SetString(n.Value)
		}
	case reflect.Int:
		if d.want(n, "!!int", "an integer", what) {
			i, err := strconv.Atoi(n.Value)
			if err != nil {
				d.addf(n, "%s: %q is not an integer slotcheck can read", what, n.Value)
				return
			}
			v.SetInt(int64(i))
		}
	case reflect.Bool:
		if d.want(n, "!!bool", "true or false", what) {
			v.SetBool(n.Value == "true" || n.Value == "True" || n.Value == "TRUE")
		}
	default:
		panic(fmt.Sprintf("config: no decoding for %s", v.Type()))
	}
}

// want checks that n is a scalar of the tag.
func (d *decoder) want(n *yaml.Node, tag, desc, what string) bool {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != tag {
		d.addf(n, "%s: want %s, got %s", what, desc, describe(n))
		return false
	}
	return true
}

// scalar fills a value its type checks: a string, or for a date the
// timestamp YAML reads an unquoted date as.
func (d *decoder) scalar(n *yaml.Node, v reflect.Value, what string) {
	if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!str" && n.ShortTag() != "!!timestamp") {
		d.addf(n, "%s: want a string, got %s", what, describe(n))
		return
	}
	if err := v.Addr().Interface().(scalar).setScalar(n); err != nil {
		d.addf(n, "%s: %v", what, err)
		return
	}
	if id, ok := v.Interface().(RuleID); ok {
		d.ruleRefs = append(d.ruleRefs, ruleRef{id, at(n)})
	}
}

// structure fills a struct from a mapping, by the fields' yaml tags.
func (d *decoder) structure(n *yaml.Node, v reflect.Value, what string) {
	if n.Kind != yaml.MappingNode {
		d.addf(n, "%s: want a mapping, got %s", what, describe(n))
		return
	}
	fields := fieldsOf(v.Type())
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		f, ok := fields[k.Value]
		switch {
		case !ok:
			d.addf(k, "%s: unknown key %q: want one of %s", what, k.Value, strings.Join(fieldNames(v.Type()), ", "))
			continue
		case seen[k.Value]:
			d.addf(k, "%s: key %q written twice", what, k.Value)
			continue
		}
		seen[k.Value] = true
		fv := v.FieldByIndex(f.Index)
		d.decode(val, fv, f.name)
		d.constrain(val, fv, f)
	}
	for _, f := range fields {
		if f.required && !seen[f.name] {
			d.addf(n, "%s: %s is required", what, f.name)
		}
	}
}

// constrain checks a field's minLength (of its text, blanks left out) and
// minItems.
func (d *decoder) constrain(n *yaml.Node, v reflect.Value, f field) {
	switch {
	case f.minLength != "" && v.Kind() == reflect.String && strings.TrimSpace(v.String()) == "":
		d.addf(n, "%s: must not be empty", f.name)
	case f.minItems != "" && v.Kind() == reflect.Slice && v.Len() == 0:
		d.addf(n, "%s: list at least one", f.name)
	}
}

// mapping fills a map whose keys are strings or checked scalars.
func (d *decoder) mapping(n *yaml.Node, v reflect.Value, what string) {
	if n.Kind != yaml.MappingNode {
		d.addf(n, "%s: want a mapping, got %s", what, describe(n))
		return
	}
	if v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		before := len(d.problems)
		key := reflect.New(v.Type().Key()).Elem()
		d.decode(kn, key, what+" key")
		if len(d.problems) > before {
			continue
		}
		if v.MapIndex(key).IsValid() {
			d.addf(kn, "%s: key %q written twice", what, kn.Value)
			continue
		}
		val := reflect.New(v.Type().Elem()).Elem()
		d.decode(vn, val, fmt.Sprintf("%s.%s", what, kn.Value))
		v.SetMapIndex(key, val)
	}
}

// sequence fills a slice from a list.
func (d *decoder) sequence(n *yaml.Node, v reflect.Value, what string) {
	if n.Kind != yaml.SequenceNode {
		d.addf(n, "%s: want a list, got %s", what, describe(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		d.decode(item, s.Index(i), fmt.Sprintf("%s[%d]", what, i))
	}
	v.Set(s)
}

// describe names what a node holds, for "want X, got Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.ShortTag() {
	case "!!str":
		return fmt.Sprintf("the string %q", n.Value)
	case "!!int", "!!float":
		return "the number " + n.Value
	case "!!bool":
		return n.Value
	case "!!null":
		return "nothing"
	}
	return fmt.Sprintf("%q", n.Value)
}
