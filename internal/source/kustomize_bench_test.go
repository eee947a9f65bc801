package source

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkKustomize renders three overlays of a base of 50 Deployments
// (150 objects, each placed in its files) beside the plain load of the
// same 50 files, read one by one, in the same run: the ratio is the cost
// of rendering.
func BenchmarkKustomize(b *testing.B) {
	dir := b.TempDir()
	files := map[string]string{}
	var resources []string
	for i := range 50 {
		name := fmt.Sprintf("app%02d", i)
		resources = append(resources, "- "+name+".yaml")
		files["base/"+name+".yaml"] = fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: %[1]s
  labels:
    app: %[1]s
spec:
  replicas: 2
  selector:
    matchLabels:
      app: %[1]s
  template:
    metadata:
      labels:
        app: %[1]s
    spec:
      containers:
      - name: main
        image: registry.example.com/%[1]s:v1.0.0
        ports:
        - containerPort: 8080
        resources:
          requests:
            cpu: 100m
            memory: 64Mi
`, name)
	}
	files["base/kustomization.yaml"] = "resources:\n" + strings.Join(resources, "\n") + "\n"
	for _, env := range []string{"development", "staging", "production"} {
		files["overlays/"+env+"/kustomization.yaml"] = fmt.Sprintf(`namespace: %[1]s
resources:
- ../../base
labels:
- pairs:
    env: %[1]s
images:
- name: registry.example.com/app00
  newTag: v1.0.1
patches:
- target:
    kind: Deployment
  patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: any
    spec:
      template:
        spec:
          containers:
          - name: main
            securityContext:
              runAsNonRoot: true
`, env)
	}
	write(b, dir, files)
	for _, bc := range []struct {
		name      string
		path      string
		kustomize bool
		objects   int
	}{
		{"plain-50-files", filepath.Join(dir, "base"), false, 50},
		{"3-overlays-150-objects", dir, true, 150},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				res := Load([]string{bc.path}, Options{WorkDir: dir, Kustomize: bc.kustomize})
				if len(res.Errors) > 0 || len(res.Objects) != bc.objects {
					b.Fatalf("errors %v, %d objects, want %d", res.Errors, len(res.Objects), bc.objects)
				}
			}
		})
	}
	// Kustomize alone on the same three roots, as slotcheck asks it to
	// build them: what placing each field in its file adds is the rest.
	b.Run("krusty-alone-3-overlays", func(b *testing.B) {
		for b.Loop() {
			for _, env := range []string{"development", "staging", "production"} {
				root := filepath.Join(dir, "overlays", env)
				src, err := os.ReadFile(filepath.Join(root, "kustomization.yaml"))
				if err != nil {
					b.Fatal(err)
				}
				m, err := buildKustomization(&kustomization{dir: root, file: filepath.Join(root, "kustomization.yaml"), src: src})
				if err != nil || len(m.Resources()) != 50 {
					b.Fatalf("%s: %v", env, err)
				}
			}
		}
	})
}
