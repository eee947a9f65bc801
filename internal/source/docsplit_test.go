package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// inventoryKinds are the kinds a scan gathers first, as its rules read them.
var inventoryKinds = []string{"NetworkPolicy", "HorizontalPodAutoscaler", "ServiceMonitor"}

// keptObjects describes what a load kept of the inventory kinds: each
// object's place, identity, value and every node of its tree (parsed again
// from its text when only that was kept) with its line and column, so that
// two loads compare field by field.
func keptObjects(res *Result, kinds []string) []string {
	var out []string
	for _, o := range res.Objects {
		if !slices.Contains(kinds, o.Kind) {
			continue
		}
		var tree strings.Builder
		dumpTree(&tree, o.tree())
		out = append(out, fmt.Sprintf("%s:%d %s %s/%s %v\n%s", o.File, o.Line, o.Kind, o.Namespace, o.Name, o.Value, tree.String()))
	}
	return out
}

func dumpTree(b *strings.Builder, n *yaml.Node) {
	fmt.Fprintf(b, "(%d %s %q %d:%d", n.Kind, n.Tag, n.Value, n.Line, n.Column)
	for _, c := range n.Content {
		dumpTree(b, c)
	}
	b.WriteString(")")
}

// parsesWhole reports whether yaml.v3 reads every document of src.
func parsesWhole(src []byte) bool {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
			return true
		} else if err != nil {
			return false
		}
	}
}

// checkSelected holds a load that keeps the inventory kinds, parsing only
// the documents whose text names one, to the full parse of the file: it
// never drops an object the full parse keeps, and keeps exactly the same
// objects, values and positions when the file has no syntax error.
func checkSelected(t *testing.T, src []byte) {
	t.Helper()
	full := keptObjects(Parse("f.yaml", src, Options{}), inventoryKinds)
	// As a scan's first read does, keeping the documents' text in place of
	// their trees, parsed again here.
	selected := keptObjects(Parse("f.yaml", src, Options{Kinds: inventoryKinds, KeepText: true}), inventoryKinds)
	if parsesWhole(src) {
		if !slices.Equal(full, selected) {
			t.Fatalf("selected parse differs from the full parse\nfull:\n%s\nselected:\n%s", strings.Join(full, "\n"), strings.Join(selected, "\n"))
		}
		return
	}
	for _, o := range full {
		if !slices.Contains(selected, o) {
			t.Fatalf("selected parse dropped an object of the full parse:\n%s\nselected:\n%s", o, strings.Join(selected, "\n"))
		}
	}
}

const (
	splitPolicy     = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np, namespace: a}\nspec:\n  podSelector: {}\n"
	splitDeployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: a}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: app, image: nginx}]\n"
)

func TestSelectedParseMatchesFullParse(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
	}{
		{name: "workloads around policies", src: "---\n" + splitDeployment + "---\n" + splitPolicy + "---\n" + splitDeployment + "---\n" + splitPolicy},
		{name: "no leading marker", src: splitDeployment + "---\n" + splitPolicy},
		{name: "comments and empty documents", src: "# top\n---\n---\n" + splitPolicy + "--- # note\n" + splitDeployment + "---\n"},
		{name: "marker with content", src: splitDeployment + "--- {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: inline}}\n"},
		{name: "marker with tab", src: splitDeployment + "---\t\n" + splitPolicy},
		{name: "not a marker", src: splitDeployment + "----\n" + splitPolicy + "--- \n" + splitPolicy},
		{name: "kind quoted", src: splitDeployment + "---\napiVersion: networking.k8s.io/v1\nkind: \"NetworkPolicy\"\nmetadata: {name: q}\n"},
		{name: "kind escaped", src: splitDeployment + "---\napiVersion: networking.k8s.io/v1\nkind: \"Network\\x50olicy\"\nmetadata: {name: e}\n"},
		{name: "kind through an anchor in an earlier document", src: "k: &k NetworkPolicy\n---\n" + splitDeployment + "---\napiVersion: networking.k8s.io/v1\nkind: *k\nmetadata: {name: alias}\n"},
		{name: "kind in a block scalar", src: splitDeployment + "---\napiVersion: networking.k8s.io/v1\nkind: |-\n  NetworkPolicy\nmetadata: {name: block}\n"},
		{name: "policy in a List", src: splitDeployment + "---\napiVersion: v1\nkind: List\nitems:\n- " + strings.ReplaceAll(strings.TrimSuffix(splitPolicy, "\n"), "\n", "\n  ") + "\n"},
		{name: "directive", src: splitDeployment + "...\n%YAML 1.1\n---\n" + splitPolicy},
		{name: "CRLF line ends", src: strings.ReplaceAll(splitDeployment+"---\n"+splitPolicy+"---\n"+splitPolicy, "\n", "\r\n")},
		{name: "syntax error before a policy", src: splitDeployment + "---\nkey: \"open\n---\n" + splitPolicy},
		{name: "syntax error in a policy", src: splitDeployment + "---\n" + splitPolicy + "  bad: [\n---\n" + splitPolicy},
		{name: "marker in a root block scalar", src: "--- |\nkind: NetworkPolicy\n---\n" + splitPolicy + "--- |\n  text\n---\n" + splitDeployment},
		{name: "marker in a quoted scalar", src: splitDeployment + "---\nkey: 'a\n---\n" + splitPolicy + "'\n---\n" + splitPolicy},
		{name: "document end marker", src: splitPolicy + "...\n" + splitDeployment + "---\n" + splitPolicy},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkSelected(t, []byte(tc.src))
		})
	}
}

// TestSelectedParseSkipsDocuments makes sure the selected parse is
// selective: the documents that name no kept kind are not parsed, so a
// syntax error in one of them goes unseen.
func TestSelectedParseSkipsDocuments(t *testing.T) {
	src := splitDeployment + "---\nbroken: [\n---\n" + splitPolicy
	res := Parse("f.yaml", []byte(src), Options{Kinds: inventoryKinds})
	if len(res.Errors) != 0 || len(res.Objects) != 1 || res.Objects[0].Line != 13 {
		t.Fatalf("want the policy at line 13 alone and no error, got %d objects, errors %v", len(res.Objects), res.Errors)
	}
	if full := Parse("f.yaml", []byte(src), Options{}); len(full.Errors) != 1 || len(full.Objects) != 1 {
		t.Fatalf("the full parse should stop at the syntax error: %d objects, errors %v", len(full.Objects), full.Errors)
	}
}

func FuzzSelectedParse(f *testing.F) {
	addFixtures(f, func(p string) bool {
		ext := filepath.Ext(p)
		return ext == ".yaml" || ext == ".yml" || ext == ".json"
	})
	f.Add([]byte("---\n" + splitDeployment + "---\n" + splitPolicy + "--- \n" + splitPolicy))
	f.Add([]byte("k: &k NetworkPolicy\n---\napiVersion: networking.k8s.io/v1\nkind: *k\nmetadata: {name: alias}\n"))
	f.Add([]byte(splitDeployment + "---\nkind: \"Network\\u0050olicy\"\napiVersion: networking.k8s.io/v1\nmetadata: {name: e}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		checkSelected(t, src)
	})
}

// TestRefusesSplit holds the search for what makes a file unsplittable to
// its definition, the runes of ContainsAny, on text with and without each,
// next to other text beyond ASCII and to bytes that are not UTF-8.
func TestRefusesSplit(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
		want bool
	}{
		{name: "plain manifests", src: "---\n" + splitPolicy + "---\n" + splitDeployment, want: false},
		{name: "text beyond ASCII", src: "metadata: {name: café, labels: {a: \"日本語 — ✓\"}}\n", want: false},
		{name: "bytes not UTF-8", src: "a: \xff\xfe\xc2\n", want: false},
		{name: "anchor", src: "a: &x 1\nb: *x\n", want: true},
		{name: "CR", src: "a: 1\r\nb: 2\r\n", want: true},
		{name: "NEL", src: "a: 1\u0085b: 2\n", want: true},
		{name: "LS", src: "a: 1\u2028b: 2\n", want: true},
		{name: "PS", src: "a: \"x\u2029y\"\n", want: true},
		{name: "NEL after a broken sequence", src: "a: \xe2\u0085\n", want: true},
		{name: "directive first", src: "%YAML 1.2\n---\na: 1\n", want: true},
		{name: "directive later", src: "a: 1\n...\n%TAG ! tag:x,2000:\n---\nb: 2\n", want: true},
		{name: "percent in text", src: "a: 25%\nb: \"%d%%\"\nc: 100%\n", want: false},
		{name: "percent in text, then a directive", src: "a: 25%\n...\n%YAML 1.2\n---\nb: 1\n", want: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := []byte(tc.src)
			if got := refusesSplit(src); got != tc.want {
				t.Errorf("refusesSplit = %v, want %v", got, tc.want)
			}
			byRunes := bytes.ContainsAny(src, "&\r\u0085\u2028\u2029") || bytes.HasPrefix(src, []byte("%")) || bytes.Contains(src, []byte("\n%"))
			if byRunes != tc.want {
				t.Errorf("the definition by runes says %v, want %v", byRunes, tc.want)
			}
		})
	}
}

// BenchmarkRefusesSplit is the check every file of a scan's first read
// passes, on a file of a hundred manifests.
func BenchmarkRefusesSplit(b *testing.B) {
	src := []byte(strings.Repeat("---\n"+splitDeployment+"---\n"+splitPolicy, 50))
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if refusesSplit(src) {
			b.Fatal("refused")
		}
	}
}
