package rules

import (
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// metadataDecoder decodes YAML nodes into typed Go values strictly: a key the
// struct's yaml tags do not name, or a scalar of another YAML type than the
// field's, is a problem at its line. yaml.v3's own decoding lets both pass (it
// skips unknown keys and turns 123 into "123"), and so does OPA's reading of
// METADATA.
type metadataDecoder struct {
	file string
	// base is the file line of the YAML text's line 0 (# METADATA).
	base  int
	lines lineIndex
	errs  []*MetadataError
	// wrong holds the paths of values of the wrong type, left unset, so
	// that checking them again adds no second problem.
	wrong []string
}

// lineIndex maps the path of a decoded key (custom.reads[0].scope) to the
// file line where it is written.
type lineIndex map[string]int

// at is the line of path, or of its nearest enclosing key when path is not
// written (a missing key is reported where its parent is).
func (l lineIndex) at(path string) int {
	for {
		if n, ok := l[path]; ok {
			return n
		}
		if path == "" {
			return 0
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			path = ""
			continue
		}
		path = path[:i]
	}
}

func (d *metadataDecoder) fail(line int, format string, args ...any) {
	d.errs = append(d.errs, &MetadataError{File: d.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// typeError is a problem with the type of the value at path.
func (d *metadataDecoder) typeError(line int, path, format string, args ...any) {
	d.wrong = append(d.wrong, path)
	d.fail(line, format, args...)
}

// broken reports whether path, or a value inside it, had the wrong type.
func (d *metadataDecoder) broken(path string) bool {
	for _, w := range d.wrong {
		if w == path || strings.HasPrefix(w, path+".") || strings.HasPrefix(w, path+"[") {
			return true
		}
	}
	return false
}

func reflectValue(ptr any) reflect.Value { return reflect.ValueOf(ptr).Elem() }

// decode sets v from n, recording the line of every key and list item under path.
func (d *metadataDecoder) decode(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	line := d.base + n.Line
	if n.ShortTag() == "!!null" || v.Kind() == reflect.Interface {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		d.decode(n, v.Elem(), path)
	case reflect.Struct:
		if !d.want(n, yaml.MappingNode, path, "a mapping") {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, val := n.Content[i], n.Content[i+1]
			p := join(path, key.Value)
			f, ok := fieldByKey(v.Type(), key.Value)
			if !ok {
				d.fail(d.base+key.Line, "%s: unknown key; %s takes %s", p, orTop(path), strings.Join(keysOf(v.Type()), ", "))
				continue
			}
			d.lines[p] = d.base + key.Line
			d.decode(val, v.FieldByIndex(f.Index), p)
		}
	case reflect.Map:
		if !d.want(n, yaml.MappingNode, path, "a mapping") {
			return
		}
		m := reflect.MakeMap(v.Type())
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, val := n.Content[i], n.Content[i+1]
			p := join(path, key.Value)
			d.lines[p] = d.base + key.Line
			elem := reflect.New(v.Type().Elem()).Elem()
			d.decode(val, elem, p)
			m.SetMapIndex(reflect.ValueOf(key.Value), elem)
		}
		v.Set(m)
	case reflect.Slice:
		if !d.want(n, yaml.SequenceNode, path, "a list") {
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			d.lines[p] = d.base + item.Line
			d.decode(item, s.Index(i), p)
		}
		v.Set(s)
	case reflect.String:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
			d.typeError(line, path, "%s must be a string, not %s", path, describe(n))
			return
		}
		v.SetString(n.Value)
	case reflect.Bool:
		var b bool
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&b) != nil {
			d.typeError(line, path, "%s must be true or false, not %s", path, describe(n))
			return
		}
		v.SetBool(b)
	default:
		panic(fmt.Sprintf("metadataDecoder: no decoding for %s", v.Type()))
	}
}

// want reports whether n is of kind, and a problem when it is not.
func (d *metadataDecoder) want(n *yaml.Node, kind yaml.Kind, path, name string) bool {
	if n.Kind == kind {
		return true
	}
	d.typeError(d.base+n.Line, path, "%s must be %s, not %s", orTop(path), name, describe(n))
	return false
}

// describe names what a node holds, for a message: a string "yes", a list.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	}
	kind := map[string]string{"!!str": "a string", "!!int": "a number", "!!float": "a number", "!!bool": "a boolean"}[n.ShortTag()]
	if kind == "" {
		kind = n.ShortTag()
	}
	return fmt.Sprintf("%s %q", kind, n.Value)
}

// fieldByKey finds the field whose yaml tag names key.
func fieldByKey(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if name, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); name == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// keysOf lists the keys a struct takes, in declaration order.
func keysOf(t reflect.Type) []string {
	var keys []string
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); name != "" {
			keys = append(keys, name)
		}
	}
	return keys
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func orTop(path string) string {
	if path == "" {
		return "METADATA"
	}
	return path
}
