package scan

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slotwise/slotcheck/internal/config"
	"github.com/slotwise/slotcheck/internal/kube"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/source"
	"github.com/slotwise/slotcheck/policies"
)

// scanDay is when the scans of these tests run, for exemptions to expire by.
var scanDay = time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)

// TestFirstReadMatchesSecond: on the repository's manifests, charts and
// kustomizations, the first read keeps exactly the objects of the
// inventory's kinds that the second loads, so a scan never reads twice
// over.
func TestFirstReadMatchesSecond(t *testing.T) {
	e, err := rules.New(context.Background(), policies.FS())
	if err != nil {
		t.Fatal(err)
	}
	root, err := filepath.Abs(filepath.Join("..", "..", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		path string
		// inventory is how many objects the first read keeps at least: the
		// test must compare something.
		inventory int
	}{
		{name: "examples", path: filepath.Join(root, "examples"), inventory: 1},
		{name: "charts", path: writeChart(t), inventory: 2},
		{name: "kustomizations", path: filepath.Join(root, "kustomize"), inventory: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := Options{Paths: []string{tc.path}, Helm: source.HelmOptions{ReleaseName: "r", Namespace: "shop"}, WorkDir: root, Kustomize: true, Now: scanDay}
			rep := &Report{Summary: Summary{BySeverity: map[rules.Severity]int{}}}
			paths := resolvePaths(rep, newConfigs(opts), opts, nil)
			rd := reading{checker: kube.NewChecker(), renders: &source.Renders{}}
			g := gatherInventory(e, paths, opts, rd, false)
			if len(g.read) < tc.inventory {
				t.Fatalf("first read kept %d objects, want at least %d", len(g.read), tc.inventory)
			}
			targets, _, err := loadAndJudge(context.Background(), rep, e, paths, judgeEnv{inventory: g.inventory, objects: g.objects, today: config.NewDate(scanDay), opts: opts, keep: newRetainer()}, rd)
			if err != nil {
				t.Fatal(err)
			}
			if !g.matches(targets) {
				t.Errorf("first read kept %v, which the second read does not match", g.read)
			}
		})
	}
}

// writeChart writes a chart whose one template renders a Deployment between
// two NetworkPolicies, and returns its folder.
func writeChart(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "web")
	if err := os.MkdirAll(filepath.Join(dir, "templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
		"templates/all.yaml": `{{- range $i := until 2 }}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np-{{ $i }}}
spec: {podSelector: {}}
{{- if eq $i 0 }}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: "nginx:1.27"}]
{{- end }}
{{- end }}
`,
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestInventoryPastSyntaxError: a NetworkPolicy after a YAML syntax error
// is not read by the second read, which stops at the error, and so must not
// select the Deployment before it, although the first read, which skips
// the broken document, finds it.
func TestInventoryPastSyntaxError(t *testing.T) {
	e, err := rules.New(context.Background(), policies.FS())
	if err != nil {
		t.Fatal(err)
	}
	const (
		workload = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: app, image: nginx:1.27}]\n"
		broken   = "broken: [\n"
		policy   = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  policyTypes: [Ingress, Egress]\n"
	)
	scanText := func(src string) *Report {
		t.Helper()
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "all.yaml"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		rep, err := Run(context.Background(), e, Options{Paths: []string{dir}, WorkDir: dir, Now: scanDay})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	got := scanText(workload + "---\n" + broken + "---\n" + policy)
	want := scanText(workload + "---\n" + broken)
	if len(got.Errors) != 1 || !strings.Contains(got.Errors[0].Message, "invalid YAML") {
		t.Fatalf("want the syntax error alone, got %v", got.Errors)
	}
	if got.Summary.Files != 1 || got.Summary.Objects != 1 {
		t.Errorf("counted %d files and %d objects, want what one read counts: 1 and 1", got.Summary.Files, got.Summary.Objects)
	}
	ids := func(rep *Report) []string {
		var out []string
		for f := range rep.All() {
			out = append(out, f.Rule.ID+": "+f.Message)
		}
		return out
	}
	if !slices.Equal(ids(got), ids(want)) {
		t.Errorf("findings with the unread policy:\n%s\nwant, as without it:\n%s", strings.Join(ids(got), "\n"), strings.Join(ids(want), "\n"))
	}
	if !slices.ContainsFunc(slices.Collect(got.All()), func(f Finding) bool { return f.Rule.ID == "NET001" }) {
		t.Error("no NET001 finding: the policy after the error selected the Deployment")
	}
}
