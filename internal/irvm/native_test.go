package irvm

import (
	"context"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// TestNativeSprintfMatchesOPA: where the native sprintf writes a message
// itself, it writes OPA's; every other call is left to OPA's built-in.
func TestNativeSprintfMatchesOPA(t *testing.T) {
	tests := []struct {
		name   string
		format string
		args   string
		native bool
	}{
		{name: "plain text", format: "no verbs", args: `[]`, native: true},
		{name: "empty", format: "", args: `[]`, native: true},
		{name: "string", format: "container %s runs as root", args: `["web"]`, native: true},
		{name: "quoted", format: "image %q", args: `["nginx:\"latest\"\n\u00e9\u0001"]`, native: true},
		{name: "value of a string", format: "%v!", args: `["x"]`, native: true},
		{name: "integer", format: "%s[%d]", args: `["containers", 12]`, native: true},
		{name: "negative integer as a value", format: "%v", args: `[-3]`, native: true},
		{name: "percent sign", format: "100%% of %s", args: `["cpu"]`, native: true},
		{name: "several", format: "%s requests %s %s, above %q", args: `["a", "b", "c", "d"]`, native: true},
		{name: "float", format: "%d", args: `[1.5]`},
		{name: "integer written as a float", format: "%v", args: `[1.0]`},
		{name: "exponent", format: "%d", args: `[1e3]`},
		{name: "beyond int64", format: "%d", args: `[123456789012345678901234567890]`},
		{name: "number as a string", format: "%s", args: `[5]`},
		{name: "string as a number", format: "%d", args: `["5"]`},
		{name: "boolean", format: "%v", args: `[true]`},
		{name: "array", format: "%v", args: `[["a", 1]]`},
		{name: "object", format: "%v", args: `[{"a": 1}]`},
		{name: "width", format: "%5s", args: `["a"]`},
		{name: "flag", format: "%+q", args: `["é"]`},
		{name: "other verb", format: "%x", args: `["a"]`},
		{name: "trailing percent", format: "50%", args: `[]`},
		{name: "too few arguments", format: "%s %s", args: `["a"]`},
		{name: "too many arguments", format: "%s", args: `["a", "b"]`},
		{name: "arguments not an array", format: "%s", args: `{"a"}`},
	}
	opa := topdown.GetBuiltin("sprintf")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []*ast.Term{ast.StringTerm(tt.format), ast.MustParseTerm(tt.args)}
			got, ok := sprintf(args)
			if ok != tt.native {
				t.Fatalf("native %v, want %v", ok, tt.native)
			}
			if !ok {
				return
			}
			var want *ast.Term
			err := opa(topdown.BuiltinContext{Context: context.Background()}, args, func(r *ast.Term) error { want = r; return nil })
			if err != nil {
				t.Fatalf("OPA's sprintf: %v", err)
			}
			if !got.Equal(want) {
				t.Errorf("native %v, OPA %v", got, want)
			}
		})
	}
}

// TestNativeArrayConcatMatchesOPA: the native array.concat gives OPA's
// value, the very operand where one side is empty, and leaves non-arrays to
// OPA's built-in and its error.
func TestNativeArrayConcatMatchesOPA(t *testing.T) {
	tests := []struct {
		name   string
		a, b   string
		native bool
	}{
		{name: "both", a: `["spec", "template"]`, b: `["containers", 0]`, native: true},
		{name: "left empty", a: `[]`, b: `["x"]`, native: true},
		{name: "right empty", a: `["x"]`, b: `[]`, native: true},
		{name: "both empty", a: `[]`, b: `[]`, native: true},
		{name: "nested", a: `[["a"], {"b": 1}]`, b: `[{"c"}]`, native: true},
		{name: "left not an array", a: `"x"`, b: `[]`},
		{name: "right a set", a: `[]`, b: `{"x"}`},
	}
	opa := topdown.GetBuiltin("array.concat")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []*ast.Term{ast.MustParseTerm(tt.a), ast.MustParseTerm(tt.b)}
			got, ok := arrayConcat(args)
			if ok != tt.native {
				t.Fatalf("native %v, want %v", ok, tt.native)
			}
			if !ok {
				return
			}
			var want *ast.Term
			if err := opa(topdown.BuiltinContext{Context: context.Background()}, args, func(r *ast.Term) error { want = r; return nil }); err != nil {
				t.Fatalf("OPA's array.concat: %v", err)
			}
			if !got.Equal(want) {
				t.Errorf("native %v, OPA %v", got, want)
			}
		})
	}
}
