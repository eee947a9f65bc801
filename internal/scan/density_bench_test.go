package scan_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/source"
	"github.com/slotwise/slotcheck/policies"
)

// BenchmarkInventoryDensity judges workloads in 50 namespaces that hold 25
// NetworkPolicies each, as the 10,000-object set does (the floor), and 250,
// as the 100,000-object set does, none selecting them: what NET001 costs
// per workload as a namespace's policies grow. The workloads are 10,000
// distinct ones in turn, so that the engine's cache of pure functions'
// values fills and turns over as in a large scan. Compare ns/op within one
// run.
func BenchmarkInventoryDensity(b *testing.B) {
	e, err := rules.New(context.Background(), policies.FS())
	if err != nil {
		b.Fatal(err)
	}
	profiles, err := rules.BuiltinProfiles()
	if err != nil {
		b.Fatal(err)
	}
	prof, err := profiles.Value("production")
	if err != nil {
		b.Fatal(err)
	}
	workloads := densityObjects(b, 10000, func(i int) string {
		return fmt.Sprintf("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app-%d, namespace: team-%d}\nspec:\n  selector: {matchLabels: {app: app-%d}}\n  template:\n    metadata: {labels: {app: app-%d}}\n    spec:\n      containers: [{name: app, image: app:v%d}]\n", i, i%50, i, i, i)
	})
	for _, perNamespace := range []int{25, 250} {
		b.Run(fmt.Sprintf("policies-%d", perNamespace), func(b *testing.B) {
			inv := rules.NewInventory(e.Reads(false))
			for _, o := range densityObjects(b, 50*perNamespace, func(i int) string {
				return fmt.Sprintf("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np-%d, namespace: team-%d}\nspec:\n  podSelector: {matchLabels: {app: other-%d}}\n  policyTypes: [Ingress, Egress]\n", i, i%50, i)
			}) {
				inv.Add(o.Kind, o.Namespace, o.Value)
			}
			b.ReportAllocs()
			b.ResetTimer()
			n := 0
			for b.Loop() {
				o := workloads[n%len(workloads)]
				n++
				if _, err := e.Evaluate(context.Background(), rules.Input{Domain: "k8s", Object: o.Value, Environment: "production", Profile: prof, Inventory: inv.Value(o.Namespace)}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// densityObjects loads n objects that object(i) writes.
func densityObjects(b *testing.B, n int, object func(i int) string) []*source.Object {
	b.Helper()
	var src strings.Builder
	for i := range n {
		src.WriteString("---\n" + object(i))
	}
	res := source.Parse("set.yaml", []byte(src.String()), source.Options{})
	if len(res.Errors) > 0 || len(res.Objects) != n {
		b.Fatalf("%d objects of %d, errors %v", len(res.Objects), n, res.Errors)
	}
	return res.Objects
}
