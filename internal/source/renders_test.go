package source

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestRendersKept: a load that shares Options.Renders with an earlier one
// reads what the earlier one rendered (a chart changed on disk in between
// still reads as it was), the same objects at the same places as a load of
// its own, and a render that failed fails the same way again.
func TestRendersKept(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"chart/Chart.yaml":           "apiVersion: v2\nname: chart\nversion: 0.1.0\n",
		"chart/values.yaml":          "replicas: 2\n",
		"chart/templates/cm.yaml":    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: {{ .Release.Namespace }}\ndata:\n  replicas: \"{{ .Values.replicas }}\"\n",
		"broken/Chart.yaml":          "apiVersion: v2\nname: broken\nversion: 0.1.0\n",
		"broken/templates/cm.yaml":   "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: {{ required \"a is required\" .Values.a }}\n",
		"kbroken/kustomization.yaml": "resources: [missing.yaml]\n",
	}
	for k, v := range overlay {
		files["k/"+k] = v
	}
	write(t, dir, files)
	opts := Options{WorkDir: dir, Kustomize: true, Renders: &Renders{}}
	first := describe(Load([]string{dir}, opts))
	if !strings.Contains(first, `"replicas": "2"`) || !strings.Contains(first, "prod-api") || !strings.Contains(first, "a is required") || !strings.Contains(first, "missing.yaml") {
		t.Fatalf("first load:\n%s\nwant the chart's ConfigMap, the overlay's Deployment and both errors", first)
	}
	write(t, dir, map[string]string{"chart/values.yaml": "replicas: 3\n"})
	if again := describe(Load([]string{dir}, opts)); again != first {
		t.Errorf("a load sharing the renders:\n%s\nwant what the first load read:\n%s", again, first)
	}
	opts.Renders = nil
	if own := describe(Load([]string{dir}, opts)); !strings.Contains(own, `"replicas": "3"`) {
		t.Errorf("a load of its own:\n%s\nwant the chart rendered again, with replicas 3", own)
	}
}

// describe lists what a load read: each object at its place with its
// value and the place of one of its fields, the errors, the charts and
// kustomizations rendered.
func describe(res *Result) string {
	var lines []string
	for _, o := range res.Objects {
		pos := o.Locate([]any{"metadata", "name"}, "")
		lines = append(lines, fmt.Sprintf("%s %s:%d %s/%s name at %d:%d %v", o.Root, o.File, o.Line, o.Kind, o.Name, pos.Line, pos.Column, o.Value))
	}
	for _, e := range res.Errors {
		lines = append(lines, fmt.Sprintf("error %s:%d:%d %s", e.File, e.Line, e.Column, e.Message))
	}
	slices.Sort(lines)
	lines = append(lines, fmt.Sprintf("charts %v kustomizations %v files %d skipped %d", res.Charts, res.Kustomizations, res.Files, res.Skipped))
	return strings.Join(lines, "\n")
}
