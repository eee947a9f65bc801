package scan_test

import (
	"cmp"
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/internal/source"
)

const (
	deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: api
        image: api:v1.0.0
`
	autoscaler = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: api
  namespace: shop
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: api
  minReplicas: 3
  maxReplicas: 50
`
)

// TestFindingInAnotherObject: a cross-object rule that blames a field of
// another object (AVL003: the HPA's maxReplicas) is reported in that
// object's file and line, and the finding stays the target's, whose
// exemptions cover it.
func TestFindingInAnotherObject(t *testing.T) {
	tests := []struct {
		name       string
		deployment string
		// hpa is hpa.yaml's text; empty for the autoscaler alone.
		hpa        string
		wantFile   string
		wantLine   int
		suppressed bool
	}{
		{name: "at the HPA's maxReplicas", deployment: deployment, wantFile: "hpa.yaml", wantLine: 12},
		// The first read parses the HPA's document alone, and places it
		// at its line in the file.
		{name: "at the HPA's maxReplicas after other documents", deployment: deployment,
			hpa: "# comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}\ndata:\n  a: b\n---\n" + autoscaler, wantFile: "hpa.yaml", wantLine: 20},
		{name: "exempted by the Deployment", wantFile: "hpa.yaml", wantLine: 12, suppressed: true,
			deployment: deployment[:len("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n")] +
				"  annotations:\n    slotcheck.slotwise.com/exempt-AVL003: scaled by KEDA\n" +
				deployment[len("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"):]},
	}
	engine, err := testEngine()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, filepath.Join(dir, "deployment.yaml"), tt.deployment)
			write(t, filepath.Join(dir, "hpa.yaml"), cmp.Or(tt.hpa, autoscaler))
			rep, err := scan.Run(context.Background(), engine, scan.Options{Paths: []string{dir}, WorkDir: dir, Environment: "production"})
			if err != nil {
				t.Fatal(err)
			}
			f := only(t, slices.Collect(rep.All()), "AVL003")
			if f.File != tt.wantFile || f.Line != tt.wantLine || f.Kind != "Deployment" || f.Name != "api" || f.Suppressed != tt.suppressed {
				t.Errorf("AVL003 at %s:%d on %s/%s (suppressed %v), want %s:%d on Deployment/api (suppressed %v)",
					f.File, f.Line, f.Kind, f.Name, f.Suppressed, tt.wantFile, tt.wantLine, tt.suppressed)
			}
		})
	}
}

// TestFindingInAnotherObjectWithoutFiles: where the other object is not at
// hand (the webhook judges one object against the cluster's inventory), the
// finding is placed at the target's first line and keeps its message.
func TestFindingInAnotherObjectWithoutFiles(t *testing.T) {
	engine, err := testEngine()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write(t, filepath.Join(dir, "deployment.yaml"), deployment)
	write(t, filepath.Join(dir, "hpa.yaml"), autoscaler)
	res := source.Load([]string{dir}, source.Options{WorkDir: dir})
	inventory := rules.NewInventory(engine.Reads(false))
	var target *source.Object
	for _, o := range res.Objects {
		inventory.Add(o.Kind, o.Namespace, o.Value)
		if o.Kind == "Deployment" {
			target = o
		}
	}
	profiles, err := rules.BuiltinProfiles()
	if err != nil {
		t.Fatal(err)
	}
	profile, err := profiles.Value("production")
	if err != nil {
		t.Fatal(err)
	}
	fs, err := scan.Judge(context.Background(), engine, target, scan.Context{Environment: "production", Profile: profile, Inventory: inventory.Value("shop")})
	if err != nil {
		t.Fatal(err)
	}
	f := only(t, fs, "AVL003")
	want := `HorizontalPodAutoscaler "api" scales Deployment "api" between 3 and 50 replicas: set its minReplicas and maxReplicas within this environment's 3..20`
	if f.File != "deployment.yaml" || f.Line != 1 || f.Message != want {
		t.Errorf("AVL003 at %s:%d: %s", f.File, f.Line, f.Message)
	}
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func only(t *testing.T, fs []scan.Finding, id string) scan.Finding {
	t.Helper()
	var found []scan.Finding
	for _, f := range fs {
		if f.Rule.ID == id {
			found = append(found, f)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d %s findings, want 1: %+v", len(found), id, found)
	}
	return found[0]
}

// TestCrossObjectRulesSeeEveryPath: an object is judged as its file
// loads, yet its cross-object rules see the inventory of every path of the
// scan, whichever comes first; the objects judged are listed in load order.
func TestCrossObjectRulesSeeEveryPath(t *testing.T) {
	dir := t.TempDir()
	for _, sub := range []string{"app", "scaling"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write(t, filepath.Join(dir, "app", "deployment.yaml"), deployment)
	write(t, filepath.Join(dir, "scaling", "hpa.yaml"), autoscaler)
	engine, err := testEngine()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		paths       []string
		wantTargets []string
	}{
		{name: "HPA after", paths: []string{"app", "scaling"}, wantTargets: []string{"Deployment", "HorizontalPodAutoscaler"}},
		{name: "HPA before", paths: []string{"scaling", "app"}, wantTargets: []string{"HorizontalPodAutoscaler", "Deployment"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var paths []string
			for _, p := range tt.paths {
				paths = append(paths, filepath.Join(dir, p))
			}
			rep, err := scan.Run(context.Background(), engine, scan.Options{Paths: paths, WorkDir: dir, Environment: "production"})
			if err != nil {
				t.Fatal(err)
			}
			f := only(t, slices.Collect(rep.All()), "AVL003")
			if f.File != "scaling/hpa.yaml" || f.Line != 12 || f.Kind != "Deployment" {
				t.Errorf("AVL003 at %s:%d on %s, want scaling/hpa.yaml:12 on the Deployment", f.File, f.Line, f.Kind)
			}
			var kinds []string
			for _, tg := range rep.Targets {
				kinds = append(kinds, tg.Kind)
			}
			if !slices.Equal(kinds, tt.wantTargets) || rep.Summary.Objects != 2 {
				t.Errorf("targets %v (%d objects), want %v", kinds, rep.Summary.Objects, tt.wantTargets)
			}
		})
	}
}
