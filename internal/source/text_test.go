package source

import (
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// An object kept as text is placed exactly where its tree places it, at
// every field of every document, whatever surrounds the document.
func TestKeepTextPlacesAsTheTree(t *testing.T) {
	policy := func(name string) string {
		return "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: " + name +
			"\n  namespace: shop\n  annotations:\n    note: |\n      ---\n      a block scalar\nspec:\n  podSelector:\n    matchLabels: {app: web}\n  policyTypes: [Ingress,\n    Egress]\n  ingress:\n  - from:\n    - podSelector: {}\n"
	}
	tests := []struct {
		name string
		src  string
		// kept is how many objects keep only their text.
		kept int
	}{
		{name: "one document", src: policy("a"), kept: 1},
		{name: "markers, comments and an end marker", src: "# head\n---\n" + policy("a") + "# tail\n--- # next\n" + policy("b") + "...\n---\n\n" + policy("c"), kept: 3},
		{name: "CRLF line ends", src: strings.ReplaceAll("---\n"+policy("a")+"---\n"+policy("b"), "\n", "\r\n"), kept: 2},
		{name: "a List's items keep their trees", src: "apiVersion: v1\nkind: List\nitems:\n- " + strings.ReplaceAll(strings.TrimSuffix(policy("a"), "\n"), "\n", "\n  ") + "\n", kept: 0},
		{name: "a root not at the first column", src: "---\n  apiVersion: networking.k8s.io/v1\n  kind: NetworkPolicy\n  metadata: {name: a}\n", kept: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			trees := Parse("p.yaml", []byte(tt.src), Options{})
			texts := Parse("p.yaml", []byte(tt.src), Options{KeepText: true})
			if len(trees.Errors) > 0 || len(trees.Objects) == 0 || len(texts.Objects) != len(trees.Objects) {
				t.Fatalf("objects %d and %d, errors %v", len(trees.Objects), len(texts.Objects), trees.Errors)
			}
			kept := 0
			for i, tree := range trees.Objects {
				text := texts.Objects[i]
				if text.Node == nil {
					kept++
				}
				for _, path := range fieldPaths(tree.Node, nil) {
					if got, want := text.Locate(path, ""), tree.Locate(path, ""); got != want {
						t.Errorf("object %d at %v: kept as text %+v, as a tree %+v", i, path, got, want)
					}
				}
			}
			if kept != tt.kept {
				t.Errorf("%d objects kept as text, want %d", kept, tt.kept)
			}
		})
	}
}

// A chart's objects kept as text are placed in their templates where
// their trees place them.
func TestKeepTextPlacesRenderedObjectsAsTheTree(t *testing.T) {
	root, _ := filepath.Abs("../..")
	for _, chart := range []string{"shop", "loops", "umbrella"} {
		t.Run(chart, func(t *testing.T) {
			dir := filepath.Join(root, "testdata/charts", chart)
			trees := Load([]string{dir}, Options{WorkDir: root})
			texts := Load([]string{dir}, Options{WorkDir: root, KeepText: true})
			if len(trees.Errors) > 0 || len(trees.Objects) == 0 || len(texts.Objects) != len(trees.Objects) {
				t.Fatalf("objects %d and %d, errors %v", len(trees.Objects), len(texts.Objects), trees.Errors)
			}
			kept := 0
			for i, tree := range trees.Objects {
				text := texts.Objects[i]
				if text.Node == nil {
					kept++
				}
				for _, path := range fieldPaths(tree.Node, nil) {
					if got, want := text.Locate(path, ""), tree.Locate(path, ""); got != want {
						t.Errorf("%s at %v: kept as text %+v, as a tree %+v", tree.Name, path, got, want)
					}
				}
			}
			if kept == 0 {
				t.Error("no object kept as text")
			}
		})
	}
}

// fieldPaths lists the path of every node under n, and paths to fields and
// items that are not there.
func fieldPaths(n *yaml.Node, prefix []any) [][]any {
	out := [][]any{prefix, append(append([]any{}, prefix...), "missing"), append(append([]any{}, prefix...), 99)}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			out = append(out, fieldPaths(n.Content[i+1], append(append([]any{}, prefix...), n.Content[i].Value))...)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			out = append(out, fieldPaths(c, append(append([]any{}, prefix...), i))...)
		}
	}
	return out
}
