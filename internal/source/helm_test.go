package source

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestHelmChart(t *testing.T) {
	root, _ := filepath.Abs("../..")
	tests := []struct {
		name   string
		helm   HelmOptions
		checks map[string]string // field path -> rendered value
		line   int               // line of spec.replicas in the template
	}{
		{"defaults", HelmOptions{}, map[string]string{"metadata.name": `"release-name-shop"`, "metadata.namespace": `"default"`, "spec.replicas": "3"}, 9},
		{"values, set, release", HelmOptions{
			ValuesFiles: []string{filepath.Join(root, "testdata/charts/shop-staging.yaml")},
			Set:         []string{"replicas=2", "image.tag=sha-abc1234"},
			ReleaseName: "prod", Namespace: "shop-prod",
		}, map[string]string{"metadata.name": `"prod-shop"`, "metadata.namespace": `"shop-prod"`, "spec.replicas": "2",
			"spec.template.spec.containers[0].image": `"slotwise/shop:sha-abc1234"`}, 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Load([]string{filepath.Join(root, "testdata/charts/shop")}, Options{WorkDir: root, Helm: tt.helm})
			if len(res.Errors) > 0 || len(res.Objects) != 1 || len(res.Charts) != 1 {
				t.Fatalf("errors %v, objects %d, charts %v", res.Errors, len(res.Objects), res.Charts)
			}
			o := res.Objects[0]
			if o.File != "testdata/charts/shop/templates/deployment.yaml" {
				t.Errorf("file %s", o.File)
			}
			for p, want := range tt.checks {
				if got := get(t, o.Value, p); got != want {
					t.Errorf("%s = %s, want %s", p, got, want)
				}
			}
			if pos := o.Locate([]any{"spec", "replicas"}, ""); pos.Line != tt.line || pos.Column != 3 {
				t.Errorf("spec.replicas at %+v in the template, want line %d column 3", pos, tt.line)
			}
			if pos := o.Locate([]any{"spec", "template", "spec", "containers", 0, "image"}, ""); pos.Line != 32 {
				t.Errorf("image at %+v in the template, want line 32", pos)
			}
		})
	}
}

func TestHelmErrors(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"deps/Chart.yaml":              "apiVersion: v2\nname: deps\nversion: 0.1.0\ndependencies:\n- name: redis\n  version: 1.0.0\n  repository: https://example.com\n",
		"broken/Chart.yaml":            "apiVersion: v2\nname: broken\nversion: 0.1.0\n",
		"broken/templates/cm.yaml":     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: {{ required \"a is required\" .Values.a }}\n",
		"badyaml/Chart.yaml":           "apiVersion: v2\nname: badyaml\nversion: 0.1.0\n",
		"badyaml/templates/cm.yaml":    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x\n",
		"kubever/Chart.yaml":           "apiVersion: v2\nname: kubever\nversion: 0.1.0\nkubeVersion: \"<1.20.0\"\n",
		"kubever/templates/empty.yaml": "",
	})
	res := Load([]string{dir}, Options{WorkDir: dir, Helm: HelmOptions{Set: []string{"x=1"}}})
	var got []string
	for _, e := range res.Errors {
		got = append(got, e.Error())
	}
	want := []string{
		"badyaml/templates/cm.yaml:4:0: rendered template: invalid YAML",
		"broken/templates/cm.yaml:6:0: Helm template: a is required",
		"deps/Chart.yaml: Helm chart dependencies redis are not in charts/",
		"kubever/Chart.yaml: Helm chart requires kubeVersion <1.20.0, rendering for v1.37.0",
	}
	if len(got) != len(want) {
		t.Fatalf("errors:\n%s", strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("error %d:\n got %s\nwant %s…", i, got[i], want[i])
		}
	}
}

// TestHelmListItems: list items a template writes out are placed at their
// own lines; those a range loop writes share the loop's lines, and the
// position says so (testdata/charts/loops: prometheus-node-exporter's
// volumes).
func TestHelmListItems(t *testing.T) {
	root, _ := filepath.Abs("../..")
	res := Load([]string{filepath.Join(root, "testdata/charts/loops")}, Options{WorkDir: root})
	if len(res.Errors) > 0 || len(res.Objects) != 1 {
		t.Fatalf("errors %v, objects %d", res.Errors, len(res.Objects))
	}
	o := res.Objects[0]
	tests := []struct {
		name string
		path []any
		line int
		loop bool
	}{
		{name: "written out", path: []any{"spec", "template", "spec", "volumes", 0, "hostPath"}, line: 20},
		{name: "second written out", path: []any{"spec", "template", "spec", "volumes", 1, "hostPath", "path"}, line: 24},
		{name: "under an if", path: []any{"spec", "template", "spec", "volumes", 2, "hostPath"}, line: 27},
		{name: "the item itself", path: []any{"spec", "template", "spec", "volumes", 1}, line: 22},
		{name: "first of a range", path: []any{"spec", "template", "spec", "volumes", 3, "hostPath"}, line: 32, loop: true},
		{name: "second of a range", path: []any{"spec", "template", "spec", "volumes", 4, "hostPath"}, line: 32, loop: true},
		{name: "templated container, no loop", path: []any{"spec", "template", "spec", "containers", 0, "image"}, line: 17},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pos := o.Locate(tt.path, "")
			if pos.Line != tt.line || (pos.Note != "") != tt.loop {
				t.Errorf("%v at line %d (note %q), want line %d (a loop's: %v)", tt.path, pos.Line, pos.Note, tt.line, tt.loop)
			}
		})
	}
}

// TestHelmSubchartArchive: a subchart packed as charts/<name>-<version>.tgz
// is reported in its archive, with the path inside it, at the template's
// line.
func TestHelmSubchartArchive(t *testing.T) {
	root, _ := filepath.Abs("../..")
	res := Load([]string{filepath.Join(root, "testdata/charts/umbrella")}, Options{WorkDir: root})
	if len(res.Errors) > 0 || len(res.Objects) != 2 {
		t.Fatalf("errors %v, objects %d", res.Errors, len(res.Objects))
	}
	files := map[string]*Object{}
	for _, o := range res.Objects {
		files[o.File] = o
	}
	o := files["testdata/charts/umbrella/charts/redis-17.0.0.tgz//redis/templates/statefulset.yaml"]
	if o == nil || files["testdata/charts/umbrella/templates/configmap.yaml"] == nil {
		t.Fatalf("files %v", files)
	}
	if pos := o.Locate([]any{"spec", "replicas"}, ""); pos.Line != 7 || pos.Column != 3 {
		t.Errorf("spec.replicas at %+v in the archive's template, want 7:3", pos)
	}
}

func TestSplitArchive(t *testing.T) {
	tests := []struct {
		file, archive, entry string
		packed               bool
	}{
		{file: "charts/redis-17.0.0.tgz//redis/templates/x.yaml", archive: "charts/redis-17.0.0.tgz", entry: "redis/templates/x.yaml", packed: true},
		{file: "a/charts/redis-17.0.0.tgz//redis/charts/common-2.0.0.tgz", archive: "a/charts/redis-17.0.0.tgz", entry: "redis/charts/common-2.0.0.tgz", packed: true},
		{file: "charts/redis/templates/x.yaml", archive: "charts/redis/templates/x.yaml"},
		{file: "charts/redis-17.0.0.tgz", archive: "charts/redis-17.0.0.tgz"},
	}
	for _, tt := range tests {
		archive, entry, packed := SplitArchive(tt.file)
		if archive != tt.archive || entry != tt.entry || packed != tt.packed {
			t.Errorf("SplitArchive(%q) = %q, %q, %v; want %q, %q, %v", tt.file, archive, entry, packed, tt.archive, tt.entry, tt.packed)
		}
	}
}
