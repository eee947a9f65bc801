// Package kube knows Kubernetes' own API types. It checks a manifest of a
// built-in kind the way the API server decodes it with strict field
// validation (kubectl's default), so that a typo such as
// readOnlyRootFileSystem is an input error at its line instead of a silently
// missing setting.
package kube

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"
	kjson "sigs.k8s.io/json"
)

// Problem is one reason the API server would reject a manifest.
type Problem struct {
	// Path is the offending field as segments (strings and ints); nil when
	// the decoder does not say where.
	Path []any
	// Loose is true when Path lacks list indexes (the decoder leaves them
	// out of type errors): callers must find the list entry themselves.
	Loose bool
	// AtKey is true when the field's name is the problem, not its value.
	AtKey   bool
	Message string
}

// Checker decodes built-in kinds strictly.
type Checker struct {
	scheme *runtime.Scheme
	shapes shapes
}

// NewChecker returns a checker for the kinds client-go's scheme registers.
// The scheme is only read.
func NewChecker() *Checker { return &Checker{scheme: scheme.Scheme} }

// Known reports whether apiVersion/kind is a built-in kind the checker can decode.
func (c *Checker) Known(apiVersion, kind string) bool {
	gv, err := schema.ParseGroupVersion(apiVersion)
	return err == nil && c.scheme.Recognizes(gv.WithKind(kind))
}

// Check decodes a JSON manifest into its built-in type. Of kinds it does not
// know (custom resources, retired API versions) it checks the metadata alone,
// which the API server validates for every kind.
func (c *Checker) Check(apiVersion, kind string, manifest []byte) []Problem {
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return nil
	}
	if !c.scheme.Recognizes(gv.WithKind(kind)) {
		return checkMetadata(manifest)
	}
	if gv.Group == "" && kind == "Secret" {
		manifest = withoutSecretData(manifest)
	}
	gvk := gv.WithKind(kind)
	return decodeAll(manifest, func() (any, error) { return c.scheme.New(gvk) })
}

// decodeAll decodes strictly and reports every problem. The decoder stops at
// the first value of the wrong type and then says nothing of unknown fields,
// so each such value is taken out and the decode repeated.
func decodeAll(manifest []byte, newObj func() (any, error)) []Problem {
	var out []Problem
	for range maxTypeErrors {
		obj, err := newObj()
		if err != nil {
			return append(out, Problem{Message: err.Error()})
		}
		strict, err := kjson.UnmarshalStrict(manifest, obj, kjson.DisallowDuplicateFields, kjson.DisallowUnknownFields)
		if err == nil {
			for _, s := range strict {
				out = append(out, problemFrom(s))
			}
			return out
		}
		p := problemFrom(err)
		out = append(out, p)
		if !p.Loose || len(p.Path) == 0 {
			return out
		}
		next, ok := without(manifest, p.Path)
		if !ok {
			return out
		}
		manifest = next
	}
	return out
}

// maxTypeErrors bounds the decodes of one manifest.
const maxTypeErrors = 16

// without removes the field at a loose path (list indexes left out) from
// every list entry it names, and reports whether it removed anything.
func without(manifest []byte, path []any) ([]byte, bool) {
	var doc any
	if json.Unmarshal(manifest, &doc) != nil {
		return nil, false
	}
	if !remove(doc, path) {
		return nil, false
	}
	out, err := json.Marshal(doc)
	return out, err == nil
}

func remove(node any, path []any) bool {
	switch n := node.(type) {
	case []any:
		removed := false
		for _, item := range n {
			removed = remove(item, path) || removed
		}
		return removed
	case map[string]any:
		key, _ := path[0].(string)
		v, ok := n[key]
		if !ok {
			return false
		}
		if len(path) == 1 {
			delete(n, key)
			return true
		}
		return remove(v, path[1:])
	}
	return false
}

var (
	unknownField   = regexp.MustCompile(`^unknown field "(.*)"$`)
	duplicateField = regexp.MustCompile(`^duplicate field "(.*)"$`)
)

func problemFrom(err error) Problem {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		var path []any
		for _, seg := range ParsePath(te.Field) {
			// The decoder names inlined Go structs (Volume.VolumeSource);
			// manifests never spell them, and their JSON names start lower-case.
			if s, ok := seg.(string); ok && s != "" && unicode.IsUpper(rune(s[0])) {
				continue
			}
			path = append(path, seg)
		}
		return Problem{Path: path, Loose: true, Message: fmt.Sprintf("must be %s, not %s", describe(te.Type), article(te.Value))}
	}
	msg := err.Error()
	if m := unknownField.FindStringSubmatch(msg); m != nil {
		return Problem{Path: ParsePath(m[1]), AtKey: true, Message: "unknown field: the API server rejects it (check its spelling and indentation)"}
	}
	if m := duplicateField.FindStringSubmatch(msg); m != nil {
		return Problem{Path: ParsePath(m[1]), AtKey: true, Message: "duplicate field"}
	}
	return Problem{Message: msg}
}

// ParsePath splits a decoder path such as spec.containers[1].image into
// segments; a trailing [n] becomes an int.
func ParsePath(s string) []any {
	var out []any
	for _, part := range strings.Split(s, ".") {
		for part != "" {
			i := strings.IndexByte(part, '[')
			if i < 0 {
				out = append(out, part)
				break
			}
			if i > 0 {
				out = append(out, part[:i])
			}
			j := strings.IndexByte(part[i:], ']')
			if j < 0 {
				out = append(out, part[i:])
				break
			}
			if n, err := strconv.Atoi(part[i+1 : i+j]); err == nil {
				out = append(out, n)
			} else {
				out = append(out, part[i+1:i+j])
			}
			part = part[i+j+1:]
		}
	}
	return out
}

// describe says what JSON a Go type accepts, in the words of a manifest author.
func describe(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return "a base64 string"
		}
		return "a list"
	case reflect.Map, reflect.Struct:
		if t.String() == "intstr.IntOrString" {
			return "an integer or a string"
		}
		return "a mapping"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return t.String()
}

func article(jsonKind string) string {
	switch {
	case jsonKind == "array":
		return "a list"
	case jsonKind == "object":
		return "a mapping"
	case jsonKind == "string":
		return "a string"
	case jsonKind == "bool":
		return "true or false"
	case strings.HasPrefix(jsonKind, "number"):
		return strings.Replace(jsonKind, "number", "the number", 1)
	}
	return jsonKind
}

// withoutSecretData blanks the values of a Secret's data. A Secret committed
// to a repository holds placeholders such as <base64-encoded-password> (the
// standard asks for them, and rule SECRET002 judges them), which are not
// base64 and must not be reported as malformed.
func withoutSecretData(manifest []byte) []byte {
	var m map[string]any
	if json.Unmarshal(manifest, &m) != nil {
		return manifest
	}
	data, ok := m["data"].(map[string]any)
	if !ok {
		return manifest
	}
	for k, v := range data {
		if _, ok := v.(string); ok {
			data[k] = ""
		}
	}
	out, err := json.Marshal(m)
	if err != nil {
		return manifest
	}
	return out
}

// checkMetadata decodes a manifest's metadata into ObjectMeta.
func checkMetadata(manifest []byte) []Problem {
	var top map[string]json.RawMessage
	if json.Unmarshal(manifest, &top) != nil {
		return nil
	}
	raw, ok := top["metadata"]
	if !ok {
		return nil
	}
	out := decodeAll(raw, func() (any, error) { return &metav1.ObjectMeta{}, nil })
	for i := range out {
		if out[i].Path != nil || out[i].Loose {
			out[i].Path = append([]any{"metadata"}, out[i].Path...)
		}
	}
	return out
}
