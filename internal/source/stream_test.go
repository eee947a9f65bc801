package source

import (
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// streamFiles hold an object of each kind in several places: files, a
// List, a named file, standard input, a Dockerfile, a kustomization.
var streamFiles = map[string]string{
	"a.yaml":                 "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np, namespace: ns}\nspec: {podSelector: {}}\n",
	"b.yaml":                 "apiVersion: v1\nkind: List\nitems:\n- apiVersion: networking.k8s.io/v1\n  kind: NetworkPolicy\n  metadata: {name: listed}\n  spec: {podSelector: {}}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n",
	"Dockerfile":             "FROM alpine:3.20\n",
	"escaped.yaml":           "apiVersion: networking.k8s.io/v1\nkind: \"Network\\x50olicy\"\nmetadata: {name: escaped}\nspec: {podSelector: {}}\n",
	"app/kustomization.yaml": "resources: [np.yaml]\n",
	"app/np.yaml":            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: rendered}\nspec: {podSelector: {}}\n",
}

const streamStdin = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: piped}\nspec: {podSelector: {}}\n"

// names lists objects as File:Kind/name.
func names(objs []*Object) []string {
	var out []string
	for _, o := range objs {
		out = append(out, o.File+":"+o.Kind+"/"+o.Name)
	}
	return out
}

// TestLoadSelect: a selecting load keeps only the kinds selected, wherever
// they come from and however their kind is spelled, and reads no
// Dockerfile.
func TestLoadSelect(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, streamFiles)
	tests := []struct {
		name  string
		kinds []string
		want  []string
	}{
		{
			name:  "network policies",
			kinds: []string{"NetworkPolicy"},
			want:  []string{"app/np.yaml:NetworkPolicy/rendered", "a.yaml:NetworkPolicy/np", "b.yaml:NetworkPolicy/listed", "escaped.yaml:NetworkPolicy/escaped", "<stdin>:NetworkPolicy/piped"},
		},
		{name: "config maps", kinds: []string{"ConfigMap"}, want: []string{"b.yaml:ConfigMap/c"}},
		{name: "nothing", kinds: []string{}, want: nil},
		{
			name: "everything",
			want: []string{"app/np.yaml:NetworkPolicy/rendered", "Dockerfile:Dockerfile/", "a.yaml:Service/s", "a.yaml:NetworkPolicy/np", "b.yaml:NetworkPolicy/listed", "b.yaml:ConfigMap/c", "escaped.yaml:NetworkPolicy/escaped", "<stdin>:NetworkPolicy/piped"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Load([]string{dir, "-"}, Options{WorkDir: dir, Kustomize: true, Kinds: tt.kinds, Stdin: strings.NewReader(streamStdin)})
			if got := names(res.Objects); !slices.Equal(got, tt.want) {
				t.Errorf("objects\n got %q\nwant %q", got, tt.want)
			}
			if len(res.Errors) > 0 {
				t.Errorf("errors %v", res.Errors)
			}
		})
	}
}

// TestLoadEach: Each sees every object once, before the load returns
// them in their order, and may release them there.
func TestLoadEach(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, streamFiles)
	var mu sync.Mutex
	seen := map[*Object]int{}
	res := Load([]string{dir, "-", filepath.Join(dir, "a.yaml")}, Options{WorkDir: dir, Kustomize: true, Stdin: strings.NewReader(streamStdin), Each: func(objs []*Object) {
		mu.Lock()
		defer mu.Unlock()
		for _, o := range objs {
			if o.Value == nil {
				t.Errorf("%s:%s/%s handed over without its value", o.File, o.Kind, o.Name)
			}
			seen[o]++
			o.Release()
		}
	}})
	if len(res.Objects) != 10 {
		t.Fatalf("objects %q, want 10", names(res.Objects))
	}
	for _, o := range res.Objects {
		if seen[o] != 1 {
			t.Errorf("%s:%s/%s handed over %d times, want once", o.File, o.Kind, o.Name, seen[o])
		}
		if o.Node != nil || o.Value != nil || o.locator != nil || o.fields != nil || o.template != nil {
			t.Errorf("%s:%s/%s still holds its tree after Release", o.File, o.Kind, o.Name)
		}
		if o.File == "" || o.Kind == "" || o.Line == 0 {
			t.Errorf("released object lost its name or place: %+v", o)
		}
	}
	if len(seen) != len(res.Objects) {
		t.Errorf("Each saw %d objects, the load returned %d", len(seen), len(res.Objects))
	}
}
