package audit

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
)

// benchCluster is namespaces namespaces of perNamespace Deployments each,
// every one breaking some rules, and a NetworkPolicy per namespace.
func benchCluster(namespaces, perNamespace int) string {
	var b strings.Builder
	for n := range namespaces {
		ns := fmt.Sprintf("team-%02d", n)
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: %s}\n", ns)
		fmt.Fprintf(&b, "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: default, namespace: %s}\nspec: {podSelector: {matchLabels: {app: web-0}}, policyTypes: [Ingress, Egress]}\n", ns)
		for i := range perNamespace {
			fmt.Fprintf(&b, `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web-%d, namespace: %s, labels: {app: web-%d}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web-%d}}
  template:
    metadata: {labels: {app: web-%d}}
    spec:
      containers:
      - name: app
        image: registry.example.com/web:v1.%d
        resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 256Mi}}
        env: [{name: DB_PASSWORD, value: hunter2}]
`, i, ns, i, i, i, i)
		}
	}
	return b.String()
}

// The audit of 1,000 Deployments and 10 NetworkPolicies in 10 namespaces
// beside its floor, the paginated LISTs of the same objects through the
// same clients:
//
//	go test -run '^$' -bench 'Audit|ListFloor' -benchmem ./internal/audit/
func BenchmarkAudit(b *testing.B) {
	api := newFakeAPI(b, benchCluster(10, 100))
	engine := newEngine(b)
	profiles, err := rules.BuiltinProfiles()
	if err != nil {
		b.Fatal(err)
	}
	c := api.cluster()
	b.ResetTimer()
	for b.Loop() {
		rep, err := Run(context.Background(), engine, c, Options{Profiles: profiles})
		if err != nil || rep.Summary.Objects != 1010 {
			b.Fatalf("audited %d objects: %v", rep.Summary.Objects, err)
		}
	}
}

// BenchmarkSession is the webhook's background audit of the same cluster:
// a Session judging every namespace, each handed back alone. It reports
// the LISTs it sends, which at the background audit's 10 requests per
// second are most of its time on a real API server:
//
//	go test -run '^$' -bench 'Audit|Session|ListFloor' -benchmem ./internal/audit/
func BenchmarkSession(b *testing.B) {
	api := newFakeAPI(b, benchCluster(10, 100))
	engine := newEngine(b)
	profiles := mustProfiles(b)
	c := api.cluster()
	b.ResetTimer()
	for b.Loop() {
		s, err := Start(context.Background(), engine, c, Options{Profiles: profiles})
		if err != nil {
			b.Fatal(err)
		}
		objects := 0
		err = s.Judge(context.Background(), s.Namespaces(), func(_ string, rep *scan.Report) error {
			objects += rep.Summary.Objects
			return nil
		})
		if err != nil || objects != 1010 {
			b.Fatalf("audited %d objects: %v", objects, err)
		}
	}
	b.StopTimer()
	api.mu.Lock()
	b.ReportMetric(float64(len(api.lists))/float64(b.N), "lists/op")
	api.mu.Unlock()
}

// BenchmarkListFloor lists the namespaces and, page by page, every kind the
// audit lists for the whole cluster, as the audit does, and does nothing
// with the objects.
func BenchmarkListFloor(b *testing.B) {
	api := newFakeAPI(b, benchCluster(10, 100))
	engine := newEngine(b)
	c := api.cluster()
	a, err := newAuditor(engine, c, Options{ChunkSize: DefaultChunkSize, Profiles: mustProfiles(b)})
	if err != nil {
		b.Fatal(err)
	}
	a.setKinds(resolve(c.Discovery, wanted(engine, nil), a.failures.add))
	b.ResetTimer()
	for b.Loop() {
		n := 0
		if ns := a.listNamespaces(context.Background()); len(ns) != 10 {
			b.Fatalf("listed %d namespaces, want 10", len(ns))
		}
		for _, k := range slices.Concat(a.namespaceReads, a.judged) {
			if err := a.list(context.Background(), k, "", func(*unstructured.Unstructured) error { n++; return nil }); err != nil {
				b.Fatal(err)
			}
		}
		if n != 1010 {
			b.Fatalf("listed %d objects, want 1010", n)
		}
	}
}

func mustProfiles(b *testing.B) *rules.Profiles {
	b.Helper()
	p, err := rules.BuiltinProfiles()
	if err != nil {
		b.Fatal(err)
	}
	return p
}
