package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/strictyaml"
)

// schemaID is where the schema is published, for editors that fetch it.
const schemaID = "https://raw.githubusercontent.com/slotwise/slotcheck/main/docs/config.schema.json"

// schemaType is a type that states its own JSON schema: the checked
// scalars, whose rules the decoder applies.
type schemaType interface {
	jsonSchema() map[string]any
}

// Schema is the JSON schema (draft-07, which yaml-language-server reads)
// of the configuration file, made from the Go types the decoder fills, so
// that editors and slotcheck accept the same files.
func Schema() ([]byte, error) {
	s := schemaOf(reflect.TypeFor[File]())
	s["$schema"] = "http://json-schema.org/draft-07/schema#"
	s["$id"] = schemaID
	s["title"] = "slotcheck configuration (.slotcheck.yaml)"
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, fmt.Errorf("config schema: %w", err)
	}
	return b.Bytes(), nil
}

var schemaTypeOf = reflect.TypeFor[schemaType]()

func schemaOf(t reflect.Type) map[string]any {
	if t.Implements(schemaTypeOf) {
		return reflect.Zero(t).Interface().(schemaType).jsonSchema()
	}
	if reflect.PointerTo(t).Implements(schemaTypeOf) {
		return reflect.New(t).Interface().(schemaType).jsonSchema()
	}
	switch t.Kind() {
	case reflect.Struct:
		return structSchema(t)
	case reflect.Map:
		s := map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem())}
		if names := schemaOf(t.Key()); len(names) > 1 {
			delete(names, "type")
			s["propertyNames"] = names
		}
		return s
	case reflect.Slice:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem())}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Int:
		return map[string]any{"type": "integer"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	}
	panic(fmt.Sprintf("config: no schema for %s", t))
}

// structSchema is an object with exactly the struct's keys, as the decoder
// accepts.
func structSchema(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	for _, f := range strictyaml.Fields(t) {
		p := schemaOf(t.FieldByIndex(f.Index).Type)
		if f.Desc != "" {
			p["description"] = f.Desc
		}
		if f.Enum != "" {
			n, err := strconv.Atoi(f.Enum)
			if err != nil {
				panic(fmt.Sprintf("config: enum %q of %s.%s is not an integer", f.Enum, t, f.Name))
			}
			p["enum"] = []int{n}
		}
		if f.MinLength != "" {
			p["minLength"] = 1
			p["pattern"] = `\S`
		}
		if f.MinItems != "" {
			p["minItems"] = 1
		}
		if f.Required {
			required = append(required, f.Name)
		}
		props[f.Name] = p
	}
	s := map[string]any{"type": "object", "additionalProperties": false, "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

func (RuleID) jsonSchema() map[string]any {
	return map[string]any{"type": "string", "pattern": "^[A-Za-z0-9]+$"}
}

func (Severity) jsonSchema() map[string]any {
	return map[string]any{"type": "string", "enum": []rules.Severity{rules.SeverityError, rules.SeverityWarning, rules.SeverityNote}}
}

func (Environment) jsonSchema() map[string]any {
	return map[string]any{"type": "string", "enum": rules.Environments()}
}

func (Glob) jsonSchema() map[string]any { return map[string]any{"type": "string", "minLength": 1} }

func (Regex) jsonSchema() map[string]any { return map[string]any{"type": "string", "format": "regex"} }

func (Date) jsonSchema() map[string]any {
	return map[string]any{"type": "string", "pattern": `^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$`}
}

func (FieldPath) jsonSchema() map[string]any {
	return map[string]any{"type": "string", "pattern": `^[^.]+(\.[^.]+)*$`}
}
