package source

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const deployment = `# leading comment
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  template:
    spec:
      containers:
      - name: api
        image: "api:v1"
        securityContext:
          runAsNonRoot: false
      - name: sidecar
        image: proxy:v2
`

func TestLocate(t *testing.T) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(deployment), &doc); err != nil {
		t.Fatal(err)
	}
	root := doc.Content[0]
	c := []any{"spec", "template", "spec", "containers"}
	tests := []struct {
		name string
		path []any
		want Position
	}{
		{"scalar value", append(c, 0, "image"), Position{Line: 12, Column: 16, EndColumn: 24, Exact: true}},
		{"nested scalar", append(c, 0, "securityContext", "runAsNonRoot"), Position{Line: 14, Column: 25, EndColumn: 30, Exact: true}},
		{"mapping field at its key", append(c, 0, "securityContext"), Position{Line: 13, Column: 9, EndColumn: 24, Exact: true}},
		{"list entry at its first line", append(c, 1), Position{Line: 15, Column: 9, EndColumn: 13, Exact: true}},
		{"missing field at its parent key", append(c, 0, "securityContext", "readOnlyRootFilesystem"), Position{Line: 13, Column: 9, EndColumn: 24, Exact: false}},
		{"missing parent at the container entry", append(c, 1, "securityContext", "runAsNonRoot"), Position{Line: 15, Column: 9, EndColumn: 13, Exact: false}},
		{"index out of range at the list key", append(c, 5, "image"), Position{Line: 10, Column: 7, EndColumn: 17, Exact: false}},
		{"empty path at the object", nil, Position{Line: 2, Column: 1, EndColumn: 11, Exact: true}},
		{"metadata name", []any{"metadata", "name"}, Position{Line: 5, Column: 9, EndColumn: 12, Exact: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Locate(root, tt.path); got != tt.want {
				t.Errorf("Locate(%v) = %+v, want %+v", tt.path, got, tt.want)
			}
		})
	}
}

func TestLocateThroughMergeKeys(t *testing.T) {
	src := "base: &b\n  image: x:v1\nobj:\n  <<: *b\n  name: y\n"
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	got := Locate(doc.Content[0], []any{"obj", "image"})
	if want := (Position{Line: 2, Column: 10, EndColumn: 14, Exact: true}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func write(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"multi.yaml":             "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\n---\n# only a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: ns\n",
		"list.yml":               "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: c}\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: d}\n",
		"obj.json":               "{\n\t\"apiVersion\": \"v1\",\n\t\"kind\": \"Pod\",\n\t\"metadata\": {\"name\": \"e\"}\n}\n",
		"values.yaml":            "replicaCount: 1\n",
		"kustomization.yaml":     "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [multi.yaml]\n",
		"bad.yaml":               "apiVersion: v1\nkind: Service\nmetadata:\n  name: [\n",
		"dup.yaml":               "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  name: b\n",
		"notes.txt":              "apiVersion: v1\nkind: Service\n",
		".hidden/x.yaml":         "apiVersion: v1\nkind: Service\nmetadata: {name: hidden}\n",
		"chart/Chart.yaml":       "apiVersion: v2\nname: chart\nversion: 0.1.0\n",
		"chart/templates/a.yaml": "{{- if .Values.enabled }}\napiVersion: v1\nkind: Service\n{{- end }}\n",
		"skip/me.yaml":           "apiVersion: v1\nkind: Service\nmetadata: {name: excluded}\n",
	})
	res := Load([]string{dir}, Options{WorkDir: dir, Exclude: []string{"skip"}})
	var got []string
	for _, o := range res.Objects {
		got = append(got, o.File+":"+o.Kind+"/"+o.Namespace+"/"+o.Name)
	}
	want := []string{
		"list.yml:Service//c", "list.yml:Secret//d",
		"multi.yaml:Service//a", "multi.yaml:ConfigMap/ns/b",
		"obj.json:Pod//e",
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("objects:\n got %v\nwant %v", got, want)
	}
	var errs []string
	for _, e := range res.Errors {
		errs = append(errs, e.Error())
	}
	wantErrs := []string{
		"bad.yaml:4:0: invalid YAML: did not find expected node content",
		`dup.yaml:5:3: duplicate key "name"`,
	}
	if strings.Join(errs, "\n") != strings.Join(wantErrs, "\n") {
		t.Errorf("errors:\n got %q\nwant %q", errs, wantErrs)
	}
	if res.Skipped != 2 {
		t.Errorf("skipped %d documents, want 2 (values.yaml, kustomization.yaml)", res.Skipped)
	}
	if len(res.Charts) != 1 || res.Charts[0] != "chart" {
		t.Errorf("charts %v, want [chart]", res.Charts)
	}
	if res.Files != 7 {
		t.Errorf("read %d files, want 7", res.Files)
	}
}

func TestLoadNamedFileAndStdin(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"manifest.txt": "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n"})
	res := Load([]string{filepath.Join(dir, "manifest.txt"), "-", filepath.Join(dir, "missing.yaml")},
		Options{WorkDir: dir, Stdin: strings.NewReader("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n")})
	if len(res.Objects) != 2 || res.Objects[0].File != "manifest.txt" || res.Objects[1].File != StdinName {
		t.Fatalf("objects %+v", res.Objects)
	}
	if len(res.Errors) != 1 || res.Errors[0].File != "missing.yaml" || !strings.Contains(res.Errors[0].Message, "no such file") {
		t.Fatalf("errors %+v", res.Errors)
	}
}

func TestLoadLinesAcrossDocuments(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"m.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\n"})
	res := Load([]string{dir}, Options{WorkDir: dir})
	if got := Locate(res.Objects[1].Node, []any{"metadata", "name"}); got.Line != 8 {
		t.Errorf("second document's name on line %d, want 8", got.Line)
	}
}

func TestValueConversion(t *testing.T) {
	src := "apiVersion: v1\nkind: X\nmetadata: {name: a}\nint: 3\nhex: 0x10\nfloat: 1.5\nbool: true\nnull: ~\nstr: \"3\"\nmode: 0755\ndate: 2024-01-01\nbase: &b {k: v}\nmerged:\n  <<: *b\n  own: 1\n"
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	v, err := (&converter{}).toValue(&doc)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"apiVersion": "v1", "base": {"k": "v"}, "bool": true, "date": "2024-01-01", "float": 1.5, "hex": 16, "int": 3, "kind": "X", "merged": {"k": "v", "own": 1}, "metadata": {"name": "a"}, "mode": 493, "str": "3"}`
	if v.String() != want {
		t.Errorf("got  %s\nwant %s", v, want)
	}
}

func TestAliasBombIsAnError(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: X\na0: &a0 [x, x]\n")
	for i := 1; i < 40; i++ {
		b.WriteString("a" + itoa(i) + ": &a" + itoa(i) + " [*a" + itoa(i-1) + ", *a" + itoa(i-1) + "]\n")
	}
	dir := t.TempDir()
	write(t, dir, map[string]string{"bomb.yaml": b.String()})
	res := Load([]string{dir}, Options{WorkDir: dir})
	if len(res.Errors) != 1 {
		t.Fatalf("want one input error, got %+v (objects %d)", res.Errors, len(res.Objects))
	}
	if !strings.Contains(res.Errors[0].Message, "alias") {
		t.Errorf("error %q does not say what is wrong", res.Errors[0].Message)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestValueConversionOfLargeAndMergedMappings(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: X\nnil:\nbase: &b {k: v, nil: 1, own: 9}\nmerged:\n  <<: [*b, {z: 1}]\n  own: 1\n  nil: ~\ndata:\n")
	for i := range 40 {
		b.WriteString("  k" + itoa(i) + ": v\n")
	}
	conv := func(src string) (string, error) {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
			t.Fatal(err)
		}
		v, err := (&converter{}).toValue(&doc)
		if err != nil {
			return "", err
		}
		return v.String(), nil
	}
	got, err := conv(b.String())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, `"merged": {"k": "v", "nil": 1, "own": 1, "z": 1}`) || !strings.Contains(got, `"k39": "v"`) || strings.Contains(got, `"nil": null`) {
		t.Errorf("got %s", got)
	}
	b.WriteString("  k7: again\n")
	if _, err := conv(b.String()); err == nil || err.Error() != `duplicate key "k7"` {
		t.Errorf("duplicate in a large mapping: got %v", err)
	} else if ve := err.(*valueError); ve.line != 50 {
		t.Errorf("duplicate reported on line %d, want 50", ve.line)
	}
}

// TestMistypedFieldAfterANullOne: the decoder names a mistyped field in a
// list without its index; the error points at the entry that has it, not at
// an earlier one where the field is null (unset, as the API server reads it).
func TestMistypedFieldAfterANullOne(t *testing.T) {
	src := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: null\n  - name: b\n    image: 5\n"
	for _, res := range []*Result{
		Parse("pod.yaml", []byte(src), Options{}),
		NewJSONReader(nil).Parse("pod.json", []byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":null},{"name":"b","image":5}]}}`)),
	} {
		if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, "spec.containers[1].image: must be a string") {
			t.Fatalf("errors %v, want one at spec.containers[1].image", res.Errors)
		}
		if e := res.Errors[0]; e.File == "pod.yaml" && e.Line != 10 {
			t.Errorf("error at line %d, want 10", e.Line)
		}
	}
}
