package scan_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/internal/source"
	"github.com/slotwise/slotcheck/policies"
)

// BenchmarkScanRendered scans the repository's example charts and
// kustomizations (Helm and Kustomize render them) beside the floor of
// loading the same paths once (load): a scan reads its paths twice and
// judges what it reads, but renders each chart and kustomization once.
// Compare within one run.
func BenchmarkScanRendered(b *testing.B) {
	root, err := filepath.Abs(filepath.Join("..", "..", "testdata"))
	if err != nil {
		b.Fatal(err)
	}
	paths := []string{filepath.Join(root, "charts", "shop"), filepath.Join(root, "charts", "umbrella"),
		filepath.Join(root, "kustomize", "podinfo"), filepath.Join(root, "kustomize", "microservices-demo")}
	helm := source.HelmOptions{ReleaseName: "r", Namespace: "shop"}
	e, err := rules.New(context.Background(), policies.FS())
	if err != nil {
		b.Fatal(err)
	}
	b.Run("load", func(b *testing.B) {
		pacedAsTheCLI(b)
		b.ReportAllocs()
		for b.Loop() {
			if res := source.Load(paths, source.Options{WorkDir: root, Helm: helm, Kustomize: true}); len(res.Objects) == 0 {
				b.Fatal("no objects")
			}
		}
	})
	b.Run("scan", func(b *testing.B) {
		pacedAsTheCLI(b)
		b.ReportAllocs()
		for b.Loop() {
			rep, err := scan.Run(context.Background(), e, scan.Options{Paths: paths, WorkDir: root, Helm: helm, Kustomize: true})
			if err != nil || rep.Summary.Objects == 0 {
				b.Fatal(err, rep.Errors)
			}
		}
	})
}
