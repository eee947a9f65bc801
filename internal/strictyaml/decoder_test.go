package strictyaml

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// upper is a checked scalar: a non-blank word, kept upper-cased.
type upper string

func (u *upper) SetScalar(n *yaml.Node) error {
	if strings.TrimSpace(n.Value) == "" {
		return errors.New("empty word")
	}
	*u = upper(strings.ToUpper(n.Value))
	return nil
}

type item struct {
	Kind  string `yaml:"kind" required:"true"`
	Count int    `yaml:"count"`
}

type doc struct {
	Name    string            `yaml:"name" minLength:"1"`
	On      *bool             `yaml:"on"`
	Items   []item            `yaml:"items" minItems:"1"`
	Labels  map[string]string `yaml:"labels"`
	Words   map[upper]int     `yaml:"words"`
	Word    upper             `yaml:"word"`
	Free    any               `yaml:"free"`
	Skipped string            `yaml:"-"`
}

// decodeText parses src and decodes it into a doc.
func decodeText(t *testing.T, src string) (doc, Result) {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(src), &n); err != nil {
		t.Fatalf("parse: %v", err)
	}
	var d doc
	return d, Decoder{Root: "doc"}.Decode(n.Content[0], &d)
}

// render is a problem as the tests write it.
func render(p Problem) string { return fmt.Sprintf("%d:%d %s", p.Line, p.Column, p.Msg) }

func TestDecodeProblems(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{name: "valid", src: "name: a\non: true\nitems: [{kind: k, count: 2}]\nlabels: {a: b}\nword: x\nfree: [1, {a: 2}]\n"},
		{name: "null is left out", src: "labels:\nword:\non:\n"},
		{name: "null breaks constraints", src: "name:\nitems:\n", want: []string{`1:6 name: must not be empty`, `2:7 items: list at least one`}},
		{name: "unknown key", src: "nmae: a\n", want: []string{`1:1 doc: unknown key "nmae": want one of free, items, labels, name, on, word, words`}},
		{name: "yaml dash field is not a key", src: "Skipped: a\n", want: []string{`1:1 doc: unknown key "Skipped": want one of free, items, labels, name, on, word, words`}},
		{name: "repeated key", src: "name: a\nname: b\n", want: []string{`2:1 doc: key "name" written twice`}},
		{name: "repeated map key", src: "labels:\n  a: x\n  a: y\n", want: []string{`3:3 labels: key "a" written twice`}},
		{name: "number for a string", src: "name: 123\n", want: []string{`1:7 name: want a string, got the number 123`}},
		{name: "string for a bool", src: "on: yes\n", want: []string{`1:5 on: want true or false, got the string "yes"`}},
		{name: "string for an int", src: "items: [{kind: k, count: many}]\n", want: []string{`1:26 items[0].count: want an integer, got the string "many"`}},
		{name: "int too big", src: "items: [{kind: k, count: 9223372036854775808}]\n", want: []string{`1:26 items[0].count: "9223372036854775808" is not an integer slotcheck can read`}},
		{name: "mapping for a list", src: "items: {kind: k}\n", want: []string{`1:8 items: want a list, got a mapping`}},
		{name: "list for a mapping", src: "labels: [a]\n", want: []string{`1:9 labels: want a mapping, got a list`}},
		{name: "top is not a mapping", src: "[a]\n", want: []string{`1:1 doc: want a mapping, got a list`}},
		{name: "required missing", src: "items: [{count: 1}]\n", want: []string{`1:9 items[0]: kind is required`}},
		{name: "blank string", src: "name: ' '\n", want: []string{`1:7 name: must not be empty`}},
		{name: "empty list", src: "items: []\n", want: []string{`1:8 items: list at least one`}},
		{name: "scalar refuses", src: "word: ''\n", want: []string{`1:7 word: empty word`}},
		{name: "scalar wants a string", src: "word: [a]\n", want: []string{`1:7 word: want a string, got a list`}},
		{name: "bad map key", src: "words:\n  '': 1\n", want: []string{`2:3 words.: empty word`}},
		{name: "alias", src: "x: &n 5\n", want: []string{`1:1 doc: unknown key "x": want one of free, items, labels, name, on, word, words`}},
		{name: "every problem", src: "name: 1\nitems:\n  - kind: [a]\n    extra: 1\non: no\n", want: []string{
			`1:7 name: want a string, got the number 1`,
			`3:11 items[0].kind: want a string, got a list`,
			`4:5 items[0]: unknown key "extra": want one of count, kind`,
			`5:5 on: want true or false, got the string "no"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, res := decodeText(t, tt.src)
			var got []string
			for _, p := range res.Problems {
				got = append(got, render(p))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestDecodeValues(t *testing.T) {
	got, res := decodeText(t, "name: a\non: false\nitems:\n  - kind: k\n    count: 2\nlabels: {x: y}\nwords: {ab: 1}\nword: cd\n")
	on := false
	want := doc{Name: "a", On: &on, Items: []item{{Kind: "k", Count: 2}}, Labels: map[string]string{"x": "y"}, Words: map[upper]int{"AB": 1}, Word: "CD"}
	if len(res.Problems) > 0 {
		t.Fatalf("problems: %v", res.Problems)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decoded\n got %+v\nwant %+v", got, want)
	}
}

func TestDecodeLines(t *testing.T) {
	_, res := decodeText(t, "name: a\nitems:\n  - kind: k\n\n  - kind: j\n    count: 1\nlabels:\n  x: y\nbad: 1\n")
	want := map[string]int{"name": 1, "items": 2, "items[0]": 3, "items[0].kind": 3, "items[1]": 5, "items[1].kind": 5, "items[1].count": 6, "labels": 7, "labels.x": 8}
	if !reflect.DeepEqual(res.Lines, want) {
		t.Errorf("lines\n got %v\nwant %v", res.Lines, want)
	}
}

func TestDecodeKinds(t *testing.T) {
	tests := []struct {
		name string
		src  string
		path string
		kind Kind
	}{
		{name: "wrong type", src: "name: 1\n", path: "name", kind: WrongType},
		{name: "unknown", src: "items: [{kind: k, x: 1}]\n", path: "items[0].x", kind: Unknown},
		{name: "repeated", src: "word: a\nword: b\n", path: "word", kind: Repeated},
		{name: "invalid", src: "word: ' '\n", path: "word", kind: Invalid},
		{name: "constraint", src: "items: [{count: 1}]\n", path: "items[0].kind", kind: Constraint},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, res := decodeText(t, tt.src)
			if len(res.Problems) != 1 {
				t.Fatalf("problems %v, want one", res.Problems)
			}
			if p := res.Problems[0]; p.Path != tt.path || p.Kind != tt.kind {
				t.Errorf("got path %q kind %d, want %q kind %d", p.Path, p.Kind, tt.path, tt.kind)
			}
		})
	}
}

func TestDecodeOnScalar(t *testing.T) {
	var n yaml.Node
	if err := yaml.Unmarshal([]byte("word: ab\nwords: {cd: 1}\n"), &n); err != nil {
		t.Fatal(err)
	}
	var seen []string
	dec := Decoder{Root: "doc", OnScalar: func(path string, n *yaml.Node, v Scalar) {
		seen = append(seen, fmt.Sprintf("%s@%d:%d=%s", path, n.Line, n.Column, *v.(*upper)))
	}}
	var d doc
	dec.Decode(n.Content[0], &d)
	want := []string{"word@1:7=AB", "words.cd@2:9=CD"}
	if !reflect.DeepEqual(seen, want) {
		t.Errorf("scalars\n got %q\nwant %q", seen, want)
	}
}
