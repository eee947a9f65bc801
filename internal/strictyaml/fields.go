package strictyaml

import (
	"reflect"
	"slices"
	"strings"
)

// Field is a struct field as the YAML names it, with the constraints its
// tags state. The decoder and slotcheck's JSON schema generator read the
// same tags, so that the schema says what the decoder enforces.
type Field struct {
	Name string
	// Desc is the desc tag: what the field is for, for the schema.
	Desc string
	// Required is required:"true": the key must be written.
	Required bool
	// Enum is the enum tag, for the schema; values are checked by their
	// Scalar type or by the caller.
	Enum string
	// MinLength is the minLength tag: a string that must not be blank.
	MinLength string
	// MinItems is the minItems tag: a list that must not be empty.
	MinItems string
	// Index is the field's index for reflect.Value.FieldByIndex.
	Index []int
}

// Fields lists the YAML fields of a struct type in declaration order;
// fields without a yaml name, tagged yaml:"-" or unexported are left out.
func Fields(t reflect.Type) []Field {
	var out []Field
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		if name == "" || name == "-" || !sf.IsExported() {
			continue
		}
		out = append(out, Field{
			Name:      name,
			Desc:      sf.Tag.Get("desc"),
			Required:  sf.Tag.Get("required") == "true",
			Enum:      sf.Tag.Get("enum"),
			MinLength: sf.Tag.Get("minLength"),
			MinItems:  sf.Tag.Get("minItems"),
			Index:     sf.Index,
		})
	}
	return out
}

// fieldByName finds the field the key names.
func fieldByName(fields []Field, key string) (Field, bool) {
	for _, f := range fields {
		if f.Name == key {
			return f, true
		}
	}
	return Field{}, false
}

// names lists the fields' keys, sorted, for messages.
func names(fields []Field) string {
	out := make([]string, 0, len(fields))
	for _, f := range fields {
		out = append(out, f.Name)
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}
