package config

import (
	"reflect"
	"slices"
	"strings"
)

// field is a struct field as the file names it, with the constraints its
// tags state; the decoder and the JSON schema read the same tags.
type field struct {
	name      string
	desc      string
	required  bool
	enum      string
	minLength string
	minItems  string
	Index     []int
}

// fieldsOf maps the file's keys to the fields of a struct type; fields
// tagged yaml:"-" are not in the file.
func fieldsOf(t reflect.Type) map[string]field {
	out := map[string]field{}
	for _, f := range orderedFields(t) {
		out[f.name] = f
	}
	return out
}

// orderedFields lists the file's fields of a struct type in declaration
// order.
func orderedFields(t reflect.Type) []field {
	var out []field
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		if name == "" || name == "-" || !sf.IsExported() {
			continue
		}
		out = append(out, field{
			name:      name,
			desc:      sf.Tag.Get("desc"),
			required:  sf.Tag.Get("required") == "true",
			enum:      sf.Tag.Get("enum"),
			minLength: sf.Tag.Get("minLength"),
			minItems:  sf.Tag.Get("minItems"),
			Index:     sf.Index,
		})
	}
	return out
}

// fieldNames lists a struct type's keys, sorted, for messages.
func fieldNames(t reflect.Type) []string {
	var out []string
	for _, f := range orderedFields(t) {
		out = append(out, f.name)
	}
	slices.Sort(out)
	return out
}
