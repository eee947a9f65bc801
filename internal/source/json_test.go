package source

import (
	"strings"
	"testing"
)

func TestFieldPath(t *testing.T) {
	for _, tc := range []struct {
		name string
		path []any
		want string
	}{
		{name: "empty", path: nil, want: ""},
		{name: "keys and indexes", path: []any{"spec", "containers", 12, "image"}, want: "spec.containers[12].image"},
		{name: "leading index", path: []any{0, "name"}, want: "[0].name"},
		{name: "key with dots", path: []any{"metadata", "annotations", "a.b/c"}, want: `metadata.annotations["a.b/c"]`},
		{name: "empty key", path: []any{"data", ""}, want: `data[""]`},
		{name: "negative index", path: []any{"x", -1}, want: "x[-1]"},
		{name: "quote in a key", path: []any{"a[\"b"}, want: `["a[\"b"]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := FieldPath(tc.path); got != tc.want {
				t.Errorf("FieldPath(%v) = %q, want %q", tc.path, got, tc.want)
			}
		})
	}
}

// TestJSONReader covers what JSONReader does beyond reading as Parse does
// (which the admission package's tests hold it to): it rejects what is not
// JSON, which YAML would accept, and its objects have no positions.
func TestJSONReader(t *testing.T) {
	for _, tc := range []struct {
		name    string
		src     string
		objects int
		err     string
	}{
		{name: "object", src: `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}`, objects: 1},
		{name: "YAML", src: "apiVersion: v1\nkind: Pod\n", err: "invalid JSON"},
		{name: "empty", src: " \n", err: "invalid JSON: no value"},
		{name: "trailing value", src: `{} {}`, err: "invalid JSON"},
		{name: "trailing NUL", src: "0\x00", err: "invalid JSON"},
		{name: "NUL alone", src: "\x00", err: "invalid JSON"},
		{name: "single quotes", src: `{'a':1}`, err: "invalid JSON"},
		{name: "trailing comma", src: `{"a":1,}`, err: "invalid JSON"},
		{name: "leading zero", src: `{"a":01}`, err: "invalid JSON"},
		{name: "bad escape", src: `{"a":"\x"}`, err: "invalid JSON"},
		{name: "control character", src: "{\"a\":\"\t\"}", err: "invalid JSON"},
		{name: "unterminated", src: `{"a":"b`, err: "invalid JSON"},
		{name: "escapes YAML lacks", src: `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a\/b \ud83d\ude00"}}`, objects: 1},
		{name: "too deep to skip", src: strings.Repeat("[", maxSkipDepth+2) + strings.Repeat("]", maxSkipDepth+2), err: "nests more than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := NewJSONReader(nil).Parse("review.json", []byte(tc.src))
			if tc.err == "" && len(res.Errors) > 0 {
				t.Fatalf("errors: %v", res.Errors)
			}
			if tc.err != "" && (len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, tc.err)) {
				t.Fatalf("errors %v, want one with %q", res.Errors, tc.err)
			}
			if len(res.Objects) != tc.objects {
				t.Fatalf("%d objects, want %d", len(res.Objects), tc.objects)
			}
			for _, o := range res.Objects {
				if pos := o.Locate([]any{"metadata", "name"}, ""); pos != (Position{}) {
					t.Errorf("located at %+v, want no position", pos)
				}
			}
		})
	}
}
