package scan_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/slotwise/slotcheck/internal/scan"
)

// overlays is one base reached by three overlays: the environment of each
// rendered copy is read from its overlay, and an exemption an overlay adds
// holds in that overlay only.
var overlays = map[string]string{
	"base/kustomization.yaml": "resources: [deploy.yaml]\n",
	"base/deploy.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  annotations:
    slotcheck.slotwise.com/exempt-SEC001: "runs as root until the image is rebuilt"
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: api
        image: api:v1.0.0
`,
	// The folder names the environment.
	"overlays/staging/kustomization.yaml": "resources: [../../base]\n",
	// The namespace names it, and no folder does.
	"overlays/eu/kustomization.yaml": `resources: [../../base]
namespace: shop-production
commonAnnotations:
  slotcheck.slotwise.com/exempt-SEC006: "writes its cache to the root filesystem in the EU only"
`,
	// The namespace comes before the folder.
	"overlays/production/kustomization.yaml": "resources: [../../base]\nnamespace: shop-dev\n",
}

func TestKustomizeEnvironmentAndExemptions(t *testing.T) {
	dir := t.TempDir()
	for name, body := range overlays {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e, err := testEngine()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		environment string // the --environment flag
		root        string
		wantEnv     string
		// suppressed says, for each rule, whether its finding on the
		// container is suppressed in this root.
		suppressed map[string]bool
	}{
		{"path", "", "overlays/staging", "staging", map[string]bool{"SEC001": true, "SEC006": false}},
		{"namespace", "", "overlays/eu", "production", map[string]bool{"SEC001": true, "SEC006": true}},
		{"namespace before path", "", "overlays/production", "development", map[string]bool{"SEC001": true}},
		{"flag before both", "staging", "overlays/production", "staging", map[string]bool{"SEC001": true, "SEC006": false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := scan.Run(context.Background(), e, scan.Options{Paths: []string{dir}, WorkDir: dir, Kustomize: true, Environment: tt.environment})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Errors) > 0 || len(rep.Summary.Kustomizations) != 3 {
				t.Fatalf("errors %v, kustomizations %v", rep.Errors, rep.Summary.Kustomizations)
			}
			got := map[string]bool{}
			for f := range rep.All() {
				if f.Root != tt.root {
					continue
				}
				if f.Environment != tt.wantEnv {
					t.Errorf("%s %s: environment %q, want %q", f.Rule.ID, f.File, f.Environment, tt.wantEnv)
				}
				if f.File != "base/deploy.yaml" {
					t.Errorf("%s at %s, want base/deploy.yaml", f.Rule.ID, f.File)
				}
				if _, ok := tt.suppressed[f.Rule.ID]; ok {
					got[f.Rule.ID] = f.Suppressed
				}
			}
			for id, want := range tt.suppressed {
				if s, ok := got[id]; !ok || s != want {
					t.Errorf("%s through %s: found %v, suppressed %v; want found, suppressed %v", id, tt.root, ok, s, want)
				}
			}
		})
	}
}

// TestKustomizePatchedFieldAtPatch: a field an overlay's patch sets is
// reported at the patch's line, not at the base the patch was merged into.
func TestKustomizePatchedFieldAtPatch(t *testing.T) {
	e, err := testEngine()
	if err != nil {
		t.Fatal(err)
	}
	root, err := filepath.Abs(filepath.Join("..", "..", "testdata", "kustomize", "podinfo"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := scan.Run(context.Background(), e, scan.Options{Paths: []string{filepath.Join(root, "overlays", "production")}, WorkDir: root, Kustomize: true})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		rule      string
		file      string
		line, col int
	}{
		{"strategic merge patch file", "SEC005", "overlays/production/backend-patch.yaml", 12, 37},
		{"inline JSON 6902 patch", "SEC008", "overlays/production/kustomization.yaml", 22, 23},
		{"replicas entry", "AVL001", "overlays/production/kustomization.yaml", 12, 12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var at []string
			for f := range rep.All() {
				if f.Rule.ID == tt.rule {
					if f.File == tt.file && f.Line == tt.line && f.Column == tt.col {
						return
					}
					at = append(at, fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Column))
				}
			}
			t.Errorf("%s not at %s:%d:%d; found at %v", tt.rule, tt.file, tt.line, tt.col, at)
		})
	}
}
