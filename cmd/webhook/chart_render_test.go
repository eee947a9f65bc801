package main

import (
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	chartloader "helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"sigs.k8s.io/yaml"
)

// renderChart renders the webhook chart as helm template does, with values
// over its defaults, keyed by template path.
func renderChart(t *testing.T, values map[string]any) map[string]string {
	t.Helper()
	out, err := renderChartErr(t, values)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// renderChartErr is renderChart for values the chart may refuse: the
// rendering error, as helm template would print it.
func renderChartErr(t *testing.T, values map[string]any) (map[string]string, error) {
	t.Helper()
	_, self, _, _ := runtime.Caller(0)
	ch, err := chartloader.Load(filepath.Join(filepath.Dir(self), "..", "..", "charts", "slotcheck-webhook"))
	if err != nil {
		t.Fatal(err)
	}
	vals, err := chartutil.ToRenderValues(ch, values, chartutil.ReleaseOptions{Name: "slotcheck", Namespace: "slotcheck-system", IsInstall: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return engine.Render(ch, vals)
}

// yamlValues are chart values written as YAML.
func yamlValues(t *testing.T, src string) map[string]any {
	t.Helper()
	values := map[string]any{}
	if err := yaml.Unmarshal([]byte(src), &values); err != nil {
		t.Fatal(err)
	}
	return values
}

// decodeDoc decodes strictly the rendered template of that file name into
// into, and reports whether it rendered anything.
func decodeDoc(t *testing.T, docs map[string]string, file string, into any) bool {
	t.Helper()
	for name, doc := range docs {
		if strings.HasSuffix(name, "/"+file) && strings.TrimSpace(doc) != "" {
			if err := yaml.UnmarshalStrict([]byte(doc), into); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return true
		}
	}
	return false
}

// renderTemplateWith renders one template of the chart with values over
// its defaults into a value; a template that renders nothing fails.
func renderTemplateWith(t *testing.T, file string, values map[string]any, into any) {
	t.Helper()
	if !decodeDoc(t, renderChart(t, values), file, into) {
		t.Fatalf("the chart renders no %s", file)
	}
}

// renderTemplate renders one template of the chart with its default values
// into a value.
func renderTemplate(t *testing.T, file string, into any) {
	t.Helper()
	renderTemplateWith(t, file, nil, into)
}
