package kube

import (
	"encoding/json"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

func TestAppendJSONIsMarshal(t *testing.T) {
	values := []ast.Value{
		ast.Null{},
		ast.Boolean(true),
		ast.Boolean(false),
		ast.Number("0"),
		ast.Number("-12"),
		ast.Number("1.5e+21"),
		ast.Number("-0.25"),
		ast.String(""),
		ast.String("plain text: with / slashes"),
		ast.String("quote \" backslash \\ tab \t newline \n nul \x00 del \x7f"),
		ast.String("<html> & ampersand"),
		ast.String("héllo wörld \u2028 \u2029 ✓"),
		ast.String("bad utf-8 \xff\xfe"),
		ast.MustParseTerm(`{"b": 1, "a": [1, "x", {"z": null, "y": true}], "A": {}, "": [], "é": "e", "a.b": 2}`).Value,
		ast.MustParseTerm(`[[], {}, [null, false]]`).Value,
	}
	for _, v := range values {
		raw, err := ast.JSON(v)
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(raw)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := AppendJSON([]byte("prefix"), v)
		if !ok || string(got) != "prefix"+string(want) {
			t.Errorf("AppendJSON(%v) = %q, %v; want %q", v, got, ok, want)
		}
	}
}

func TestAppendJSONRefusesWhatItDoesNotWrite(t *testing.T) {
	for _, v := range []ast.Value{
		ast.Number("1x"),
		ast.Number("007"),
		ast.NewSet(ast.IntNumberTerm(1)),
		ast.MustParseTerm(`{1: "a"}`).Value,
		ast.MustParseTerm(`[{"a": {1: "a"}}]`).Value,
	} {
		if got, ok := AppendJSON(nil, v); ok {
			t.Errorf("AppendJSON(%v) = %q, want a refusal", v, got)
		}
	}
}
