package source

import (
	"testing"
)

// TestYAMLErrorLines pins the lines reported for yaml.v3's errors: its
// scanner counts lines from 1, its parser from 0, and some errors have no
// line at all.
func TestYAMLErrorLines(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{name: "unclosed quote", src: "a: b\nc: \"open\n", want: "f.yaml:2:0: invalid YAML: found unexpected end of stream"},
		{name: "parser error", src: "a:\n  b: c\n d: e\n", want: "f.yaml:3:0: invalid YAML: did not find expected key"},
		{name: "parser error in a flow", src: "a: [b, c\nd: e\n", want: "f.yaml:2:0: invalid YAML: did not find expected ',' or ']'"},
		{name: "tab indentation", src: "a:\n\tb: c\n", want: "f.yaml:2:0: invalid YAML: found character that cannot start any token"},
		{name: "end of stream at the last line", src: "a: 'open\n\n\n", want: "f.yaml:1:0: invalid YAML: found unexpected end of stream"},
		{name: "second document", src: "a: b\n---\nc: [\n", want: "f.yaml:3:0: invalid YAML: did not find expected node content"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Parse("f.yaml", []byte(tt.src), Options{})
			if len(res.Errors) != 1 {
				t.Fatalf("errors %v, want one", res.Errors)
			}
			if got := res.Errors[0].Error(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}
