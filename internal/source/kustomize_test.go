package source

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// overlay is a base and an overlay that writes fields every way
// Kustomize can: the test reads where each field is reported.
var overlay = map[string]string{
	"base/kustomization.yaml": `resources:
- deploy.yaml
`,
	"base/deploy.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  labels:
    app: api
spec:
  replicas: 2
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
      - name: sidecar
        image: proxy:v1.0.0
      - name: api
        image: api:v1.0.0
        ports:
        - containerPort: 8080
`,
	"prod/kustomization.yaml": `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: prod
namePrefix: prod-
resources:
- ../base
commonLabels:
  tier: web
images:
- name: proxy
  newTag: v2.0.0
replicas:
- name: api
  count: 5
patches:
- path: smp.yaml
- target:
    kind: Deployment
    name: api
  patch: |-
    - op: add
      path: /spec/template/spec/containers/1/securityContext
      value:
        runAsUser: 0
- patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      template:
        spec:
          containers:
          - name: api
            imagePullPolicy: Never
`,
	"prod/smp.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
      - name: api
        imagePullPolicy: Always
        resources:
          limits:
            memory: 1Gi
`,
}

func TestKustomizeFieldPlaces(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, overlay)
	res := Load([]string{dir}, Options{WorkDir: dir, Kustomize: true})
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %v", res.Errors)
	}
	if len(res.Objects) != 1 || !slices.Equal(res.Kustomizations, []string{"prod"}) {
		t.Fatalf("%d objects, kustomizations %v: want the one Deployment rendered through prod", len(res.Objects), res.Kustomizations)
	}
	o := res.Objects[0]
	if o.Name != "prod-api" || o.Namespace != "prod" || o.Root != "prod" || o.File != "base/deploy.yaml" {
		t.Fatalf("object %s/%s root %q file %q", o.Namespace, o.Name, o.Root, o.File)
	}
	// The strategic merge patch puts the container it names first, as
	// Kustomize does: the JSON patch's index 1 is then the sidecar.
	api := []any{"spec", "template", "spec", "containers", 0}
	sidecar := []any{"spec", "template", "spec", "containers", 1}
	tests := []struct {
		name  string
		path  []any
		file  string
		line  int
		col   int
		exact bool
	}{
		{"field of the base", append(api, "ports", 0, "containerPort"), "base/deploy.yaml", 23, 26, true},
		{"object start", nil, "base/deploy.yaml", 1, 1, true},
		{"strategic merge patch file", append(api, "resources", "limits", "memory"), "prod/smp.yaml", 13, 21, true},
		{"last patch wins over an earlier one", append(api, "imagePullPolicy"), "prod/kustomization.yaml", 35, 30, true},
		{"JSON 6902 patch inline", append(sidecar, "securityContext", "runAsUser"), "prod/kustomization.yaml", 24, 20, true},
		{"images entry", append(sidecar, "image"), "prod/kustomization.yaml", 11, 11, true},
		{"image the images entry does not name", append(api, "image"), "base/deploy.yaml", 21, 16, true},
		{"replicas entry", []any{"spec", "replicas"}, "prod/kustomization.yaml", 14, 10, true},
		{"namespace", []any{"metadata", "namespace"}, "prod/kustomization.yaml", 3, 12, true},
		{"name prefix", []any{"metadata", "name"}, "prod/kustomization.yaml", 4, 13, true},
		{"common label", []any{"spec", "template", "metadata", "labels", "tier"}, "prod/kustomization.yaml", 8, 9, true},
		{"label of the base", []any{"metadata", "labels", "app"}, "base/deploy.yaml", 6, 10, true},
		{"missing field at the base's container", append(api, "livenessProbe"), "base/deploy.yaml", 20, 9, false},
		{"missing field under a patched one", append(sidecar, "securityContext", "runAsNonRoot"), "prod/kustomization.yaml", 24, 9, false},
		{"missing field in the base's sidecar", append(sidecar, "resources"), "base/deploy.yaml", 18, 9, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := o.Place(tt.path, "")
			if got.File != tt.file || got.Line != tt.line || got.Column != tt.col || got.Exact != tt.exact {
				t.Errorf("Place(%s) = %s:%d:%d exact %v, want %s:%d:%d exact %v", FieldPath(tt.path), got.File, got.Line, got.Column, got.Exact, tt.file, tt.line, tt.col, tt.exact)
			}
		})
	}
}

func TestKustomizeRoots(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"alone/deploy.yaml":             "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: alone\n",
		"alone/kustomization.yaml":      "resources: [deploy.yaml]\n",
		"comp/kustomization.yaml":       "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [extra.yaml]\n",
		"comp/extra.yaml":               "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n",
		"unused/kustomization.yaml":     "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [cm.yaml]\n",
		"unused/cm.yaml":                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: unused\n",
		"unused/transformer.yaml":       "apiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: t\nlabels: {a: b}\n",
		"overlays/a/kustomization.yaml": "resources: [../../alone]\ncomponents: [../../comp]\nnameSuffix: -a\n",
		"overlays/b/kustomization.yaml": "resources: [../../alone]\nnameSuffix: -b\n",
	}
	for k, v := range overlay {
		files["other/"+k] = v
	}
	write(t, dir, files)
	res := Load([]string{dir}, Options{WorkDir: dir, Kustomize: true})
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %v", res.Errors)
	}
	want := []string{"other/prod", "overlays/a", "overlays/b"}
	if !slices.Equal(res.Kustomizations, want) {
		t.Errorf("rendered %v, want %v: bases and components are not roots", res.Kustomizations, want)
	}
	var got []string
	for _, o := range res.Objects {
		got = append(got, o.Root+" "+o.File+" "+o.Name)
	}
	slices.Sort(got)
	wantObjects := []string{
		" unused/cm.yaml unused", // a component no root builds: linted alone
		"other/prod other/base/deploy.yaml prod-api",
		"overlays/a alone/deploy.yaml alone-a",
		"overlays/a comp/extra.yaml extra-a",
		"overlays/b alone/deploy.yaml alone-b",
	}
	if !slices.Equal(got, wantObjects) {
		t.Errorf("objects:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantObjects, "\n"))
	}
	if res.Skipped == 0 {
		t.Errorf("the LabelTransformer was not counted as skipped")
	}
	off := Load([]string{filepath.Join(dir, "overlays")}, Options{WorkDir: dir})
	if len(off.Kustomizations) != 0 || len(off.Objects) != 0 {
		t.Errorf("without Kustomize: rendered %v, %d objects", off.Kustomizations, len(off.Objects))
	}
}

func TestKustomizeGeneratedObject(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"app/kustomization.yaml": "namePrefix: app-\nsecretGenerator:\n- name: db\n  literals:\n  - user=admin\n  - password=hunter2\n",
	})
	res := Load([]string{dir}, Options{WorkDir: dir, Kustomize: true})
	if len(res.Errors) > 0 || len(res.Objects) != 1 {
		t.Fatalf("errors %v, %d objects", res.Errors, len(res.Objects))
	}
	o := res.Objects[0]
	tests := []struct {
		name      string
		path      []any
		line, col int
	}{
		{"a literal at its line", []any{"data", "password"}, 6, 5},
		{"the object at its generator entry", []any{"metadata", "namespace"}, 3, 3},
	}
	for _, tt := range tests {
		if got := o.Place(tt.path, ""); got.File != "app/kustomization.yaml" || got.Line != tt.line || got.Column != tt.col {
			t.Errorf("%s: Place(%s) = %s:%d:%d, want app/kustomization.yaml:%d:%d", tt.name, FieldPath(tt.path), got.File, got.Line, got.Column, tt.line, tt.col)
		}
	}
}

func TestKustomizeSharedBaseReadOnce(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"base/kustomization.yaml":    "resources: [cm.yaml]\n",
		"base/cm.yaml":               "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
		"staging/kustomization.yaml": "resources: [../base]\nnameSuffix: -s\n",
		"prod/kustomization.yaml":    "resources: [../base]\nnameSuffix: -p\n",
	})
	res := Load([]string{dir}, Options{WorkDir: dir, Kustomize: true})
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %v", res.Errors)
	}
	// Four files on disk: two overlays' kustomizations, the base's and its
	// ConfigMap, each counted once however many roots reach it.
	if res.Files != 4 || len(res.Objects) != 2 {
		t.Errorf("files %d, objects %d: want 4 files and 2 objects", res.Files, len(res.Objects))
	}
}
