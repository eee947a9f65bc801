package source

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// fuzzPaths are fields rules read, placed in every rendered object.
var fuzzPaths = [][]any{
	nil,
	{"metadata", "name"},
	{"metadata", "namespace"},
	{"spec", "replicas"},
	{"spec", "template", "spec", "containers", 0, "image"},
	{"spec", "template", "spec", "containers", 0, "securityContext", "runAsNonRoot"},
	{"spec", "template", "spec", "containers", 1, "resources", "limits", "memory"},
	{"data", "key"},
}

// FuzzKustomize renders an overlay over a base through a patch, each of
// the three files made of the fuzzer's bytes. Properties: no panic; no
// input error reported twice; every input error and every placed field
// names a file of the tree at a line inside it.
func FuzzKustomize(f *testing.F) {
	for _, seed := range kustomizeSeeds(f) {
		f.Add(seed[0], seed[1], seed[2])
	}
	f.Fuzz(func(t *testing.T, overlay, base, patch []byte) {
		dir := t.TempDir()
		files := map[string][]byte{
			"base/kustomization.yaml":    []byte("resources:\n- deploy.yaml\n"),
			"base/deploy.yaml":           base,
			"overlay/kustomization.yaml": overlay,
			"overlay/patch.yaml":         patch,
		}
		lines := map[string]int{}
		for name, body := range files {
			p := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, body, 0o644); err != nil {
				t.Fatal(err)
			}
			lines[name] = bytes.Count(body, []byte("\n")) + 1
		}
		res := Load([]string{dir}, Options{WorkDir: dir, Kustomize: true})
		seen := map[Error]bool{}
		for _, e := range res.Errors {
			if seen[e] {
				t.Errorf("error reported twice: %s:%d: %s", e.File, e.Line, e.Message)
			}
			seen[e] = true
			if n, ok := lines[e.File]; (!ok || e.Line > n) && e.Line != 0 {
				t.Errorf("error at %s:%d, outside the tree's files: %s", e.File, e.Line, e.Message)
			}
		}
		for _, o := range res.Objects {
			for _, path := range fuzzPaths {
				at := o.Place(path, "")
				if n, ok := lines[at.File]; !ok || at.Line < 1 || at.Line > n {
					t.Errorf("%s %s placed at %s:%d, outside the tree's files", ObjectName(o.Kind, o.Namespace, o.Name), FieldPath(path), at.File, at.Line)
				}
			}
		}
	})
}

// kustomizeSeeds are overlay, base and patch triples taken from the
// fixtures: the podinfo-shaped production overlay, and the overlay every
// way of writing a field is tested with.
func kustomizeSeeds(tb testing.TB) [][3][]byte {
	read := func(p string) []byte {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "kustomize", filepath.FromSlash(p)))
		if err != nil {
			tb.Fatal(err)
		}
		return b
	}
	// The podinfo overlay's own resources and its second base are left
	// out: the tree has one base and one patch.
	var podinfo []byte
	for _, line := range bytes.SplitAfter(read("podinfo/overlays/production/kustomization.yaml"), []byte("\n")) {
		if !bytes.Contains(line, []byte("cache")) && !bytes.Contains(line, []byte("namespace.yaml")) && !bytes.Contains(line, []byte("labels.yaml")) && !bytes.HasPrefix(line, []byte("transformers:")) {
			podinfo = append(podinfo, line...)
		}
	}
	podinfo = bytes.ReplaceAll(podinfo, []byte("../../bases/backend"), []byte("../base"))
	podinfo = bytes.ReplaceAll(podinfo, []byte("backend-patch.yaml"), []byte("patch.yaml"))
	return [][3][]byte{
		{podinfo, read("podinfo/bases/backend/deployment.yaml"), read("podinfo/overlays/production/backend-patch.yaml")},
		{bytes.ReplaceAll([]byte(overlay["prod/kustomization.yaml"]), []byte("smp.yaml"), []byte("patch.yaml")), []byte(overlay["base/deploy.yaml"]), []byte(overlay["prod/smp.yaml"])},
		{[]byte("resources: [../base]\nconfigMapGenerator:\n- name: cfg\n  literals: [key=value]\n  files: [patch.yaml]\n"), nil, []byte("a: b\n")},
		{[]byte("resources: [../base, ../overlay]\n"), []byte("{}"), nil},
	}
}
