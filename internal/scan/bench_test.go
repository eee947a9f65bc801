package scan_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/slotwise/slotcheck/internal/gcpace"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/internal/source"
	"github.com/slotwise/slotcheck/policies"
)

var (
	generate = flag.String("generate", "", "write the benchmark's objects to this folder and stop (for timing the CLI)")
	objects  = flag.Int("objects", benchObjects, "how many objects -generate writes, a multiple of 100")
)

// benchObjects is the size of the benchmark set the issue names.
const benchObjects = 10000

const podSpec = `      serviceAccountName: svc-%[1]d
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
        fsGroup: 1000
        seccompProfile:
          type: RuntimeDefault
      containers:
      - name: app
        image: slotwise/app-%[1]d:v1.2.%[1]d
        ports:
        - containerPort: 8080
          name: http
        resources:
          requests: {cpu: 500m, memory: 512Mi}
          limits: {cpu: "2", memory: 2Gi}
        livenessProbe:
          httpGet: {path: /health, port: 8080}
        readinessProbe:
          httpGet: {path: /ready, port: 8080}
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities:
            drop: ["ALL"]
        volumeMounts:
        - {name: tmp, mountPath: /tmp}
      volumes:
      - name: tmp
        emptyDir: {}
`

const badPodSpec = `      hostNetwork: true
      containers:
      - name: app
        image: slotwise/app-%[1]d:latest
        env:
        - {name: API_TOKEN, value: abc%[1]d}
        securityContext:
          privileged: true
      initContainers:
      - name: init
        image: busybox
`

// workload writes object i: every kind in turn, one in three noncompliant.
func workload(i int) string {
	spec := podSpec
	if i%3 == 0 {
		spec = badPodSpec
	}
	spec = fmt.Sprintf(spec, i)
	meta := fmt.Sprintf("metadata:\n  name: app-%d\n  namespace: team-%d\n  labels: {app: app-%d, version: v1.2.%d}\n", i, i%50, i, i)
	tmpl := fmt.Sprintf("  template:\n    metadata:\n      labels: {app: app-%d, version: v1.2.%d}\n    spec:\n", i, i)
	indent := func(s, by string) string {
		lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
		for j := range lines {
			lines[j] = by + lines[j]
		}
		return strings.Join(lines, "\n") + "\n"
	}
	sel := fmt.Sprintf("  selector:\n    matchLabels: {app: app-%d}\n", i)
	switch i % 8 {
	case 0:
		return "apiVersion: apps/v1\nkind: Deployment\n" + meta + "spec:\n  replicas: 3\n  strategy:\n    rollingUpdate: {maxUnavailable: 0}\n" + sel + tmpl + spec
	case 1:
		return "apiVersion: apps/v1\nkind: StatefulSet\n" + meta + "spec:\n  replicas: 3\n  serviceName: app\n" + sel + tmpl + spec
	case 2:
		return "apiVersion: apps/v1\nkind: DaemonSet\n" + meta + "spec:\n" + sel + tmpl + spec
	case 3:
		return "apiVersion: apps/v1\nkind: ReplicaSet\n" + meta + "spec:\n  replicas: 3\n" + sel + tmpl + spec
	case 4:
		return "apiVersion: batch/v1\nkind: Job\n" + meta + "spec:\n" + tmpl + "      restartPolicy: Never\n" + spec
	case 5:
		return "apiVersion: batch/v1\nkind: CronJob\n" + meta + "spec:\n  schedule: \"0 * * * *\"\n  jobTemplate:\n    spec:\n" + indent(tmpl+"      restartPolicy: Never\n"+spec, "    ")
	case 6:
		var pod strings.Builder
		for _, line := range strings.SplitAfter(spec, "\n") {
			pod.WriteString(strings.TrimPrefix(line, "    "))
		}
		return "apiVersion: v1\nkind: Pod\n" + meta + "spec:\n" + pod.String()
	default:
		return fmt.Sprintf("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: np-%d\n  namespace: team-%d\nspec:\n  podSelector:\n    matchLabels: {app: app-%d}\n  policyTypes: [Ingress, Egress]\n  ingress:\n  - from:\n    - podSelector: {}\n", i, i%50, i-1)
	}
}

// writeSet writes n objects, 100 to a file.
func writeSet(tb testing.TB, dir string, n int) {
	tb.Helper()
	for f := 0; f < n/100; f++ {
		var b strings.Builder
		for i := f * 100; i < (f+1)*100; i++ {
			b.WriteString("---\n" + workload(i))
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("set-%04d.yaml", f)), []byte(b.String()), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// TestGenerate writes the benchmark set for timing the whole CLI:
//
//	go test ./internal/scan -run TestGenerate -generate /tmp/bench
//	time slotcheck /tmp/bench
//
// and with -objects 100000 the set that shows how a scan's memory grows.
func TestGenerate(t *testing.T) {
	if *generate == "" {
		t.Skip("-generate DIR not given")
	}
	if *objects <= 0 || *objects%100 != 0 {
		t.Fatalf("-objects %d: want a positive multiple of 100", *objects)
	}
	if err := os.MkdirAll(*generate, 0o755); err != nil {
		t.Fatal(err)
	}
	writeSet(t, *generate, *objects)
}

// TestBenchmarkSetIsValid keeps the generated set honest on its first
// tenth: every object loads, and the noncompliant third yields findings.
func TestBenchmarkSetIsValid(t *testing.T) {
	dir := t.TempDir()
	const n = benchObjects / 10
	writeSet(t, dir, n)
	e, err := testEngine()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := scan.Run(context.Background(), e, scan.Options{Paths: []string{dir}, WorkDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) > 0 || rep.Summary.Objects != n {
		t.Fatalf("objects %d, errors %v", rep.Summary.Objects, rep.Errors[:min(3, len(rep.Errors))])
	}
	byKind := map[string]bool{}
	for f := range rep.All() {
		byKind[f.Kind] = true
	}
	for _, k := range []string{"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"} {
		if !byKind[k] {
			t.Errorf("no finding on any %s", k)
		}
	}
}

// BenchmarkScan scans the 10,000 objects without a configuration and with
// one of 20 exemptions, which matches findings by each selector and leaves
// some stale, beside the floor of a bare YAML parse of the same files
// (yaml-parse): compare them within one run. Beside the wall time each
// reports the process's CPU time (cpu-s/op): the floor uses one core and a
// scan two, and on a shared machine the CPU time is the steadier figure.
// Each case runs with the collector paced as the CLI paces it
// (pacedAsTheCLI).
func BenchmarkScan(b *testing.B) {
	dir := b.TempDir()
	writeSet(b, dir, benchObjects)
	cfg := filepath.Join(b.TempDir(), ".slotcheck.yaml")
	if err := os.WriteFile(cfg, []byte(benchConfig()), 0o644); err != nil {
		b.Fatal(err)
	}
	e, err := rules.New(context.Background(), policies.FS())
	if err != nil {
		b.Fatal(err)
	}
	b.Run("yaml-parse", func(b *testing.B) {
		pacedAsTheCLI(b)
		parseFloor(b, dir)
	})
	for _, bc := range []struct {
		name   string
		config string
	}{
		{"none", ""},
		{"exemptions20", cfg},
	} {
		b.Run(bc.name, func(b *testing.B) {
			pacedAsTheCLI(b)
			opts := scan.Options{Paths: []string{dir}, WorkDir: dir, Config: bc.config}
			b.ReportAllocs()
			b.ResetTimer()
			cpu := processCPU()
			for b.Loop() {
				rep, err := scan.Run(context.Background(), e, opts)
				if err != nil || len(rep.Errors) > 0 {
					b.Fatal(err, rep.Errors)
				}
			}
			reportCPU(b, cpu)
			b.ReportMetric(float64(benchObjects*b.N)/b.Elapsed().Seconds(), "objects/s")
		})
	}
}

// pacedAsTheCLI paces the collector as the CLI does for a scan until b
// ends, through the same code (gcpace.StartScan): with Go's default pacing
// a benchmark would time collections the CLI never runs. GOGC or
// GOMEMLIMIT in the environment turn it off, as they do the CLI's.
func pacedAsTheCLI(b *testing.B) {
	runtime.GC()
	b.Cleanup(gcpace.StartScan(gcpace.Env{Getenv: os.Getenv, ReadFile: os.ReadFile}))
}

// parseFloor is the floor a scan is held to: reading the same files and
// parsing every document into yaml.v3 nodes, on one goroutine, with
// nothing checked, converted or judged.
func parseFloor(b *testing.B, dir string) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		b.Fatal("no files", err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := processCPU()
	for b.Loop() {
		docs := 0
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				b.Fatal(err)
			}
			dec := yaml.NewDecoder(bytes.NewReader(src))
			for {
				var doc yaml.Node
				if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
					break
				} else if err != nil {
					b.Fatal(err)
				}
				docs++
			}
		}
		if docs != benchObjects {
			b.Fatalf("%d documents, want %d", docs, benchObjects)
		}
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(benchObjects*b.N)/b.Elapsed().Seconds(), "objects/s")
}

// reportCPU reports the process's CPU time per op since start (cpu-s/op),
// when the platform measures it.
func reportCPU(b *testing.B, start time.Duration) {
	if used := processCPU() - start; used > 0 {
		b.ReportMetric(used.Seconds()/float64(b.N), "cpu-s/op")
	}
}

// benchConfig is a configuration of 20 exemptions: rules alone, and each
// selector in turn, some matching nothing.
func benchConfig() string {
	var b strings.Builder
	b.WriteString("version: 1\nexemptions:\n")
	selectors := []string{
		"",
		"kinds: [Deployment, StatefulSet]",
		`namespaces: ["team-1*"]`,
		`names: ["app-1?"]`,
		"containers: [init]",
		`paths: ["set-000*.yaml"]`,
		"kinds: [Job]\n    namespaces: [\"team-2*\"]",
		"names: [\"app-99*\"]\n    containers: [app]",
		`namespaces: ["nowhere-*"]`,
		`paths: ["vendor/**"]`,
	}
	ids := []string{"SEC008", "SECRET001", "IMG001", "RES001", "PRB001", "SEC001", "SEC006", "NET002", "RES002", "PRB002"}
	for i := range 20 {
		fmt.Fprintf(&b, "  - rules: [%s]\n    reason: benchmark exemption %d\n    expires: 2099-12-31\n", ids[i%len(ids)], i)
		if sel := selectors[i%len(selectors)]; sel != "" {
			b.WriteString("    " + sel + "\n")
		}
	}
	return b.String()
}

// BenchmarkLoad is the cost of reading, converting and checking the objects
// and of mapping a field path of each back to its line.
func BenchmarkLoad(b *testing.B) {
	dir := b.TempDir()
	writeSet(b, dir, benchObjects)
	path := []any{"spec", "template", "spec", "containers", 0, "securityContext", "runAsNonRoot"}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res := source.Load([]string{dir}, source.Options{WorkDir: dir})
		for _, o := range res.Objects {
			source.Locate(o.Node, path)
		}
	}
	b.ReportMetric(float64(benchObjects*b.N)/b.Elapsed().Seconds(), "objects/s")
	b.ReportMetric(liveAfterLoad(dir)/(1<<20), "live-MB")
}

// liveAfterLoad is how many bytes the loaded objects keep alive when a
// load keeps them all, as a scan no longer does: it releases each object
// once judged.
func liveAfterLoad(dir string) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	res := source.Load([]string{dir}, source.Options{WorkDir: dir})
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(res)
	return float64(after.HeapAlloc) - float64(before.HeapAlloc)
}

// BenchmarkEvaluate is the engine alone, on one core, over loaded objects:
// OPA's plans of the policies as slotcheck runs them, and OPA's topdown
// evaluator, the reference they are held to.
func BenchmarkEvaluate(b *testing.B) {
	dir := b.TempDir()
	writeSet(b, dir, benchObjects)
	res := source.Load([]string{dir}, source.Options{WorkDir: dir})
	profiles, err := rules.BuiltinProfiles()
	if err != nil {
		b.Fatal(err)
	}
	prof, err := profiles.Value("production")
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		opts []rules.Option
	}{
		{"plans", nil},
		{"topdown", []rules.Option{rules.WithReferenceEvaluator()}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			e, err := rules.New(context.Background(), policies.FS(), bc.opts...)
			if err != nil {
				b.Fatal(err)
			}
			inv := rules.NewInventory(e.Reads(false))
			for _, o := range res.Objects {
				inv.Add(o.Kind, o.Namespace, o.Value)
			}
			b.ReportAllocs()
			b.ResetTimer()
			n := 0
			for b.Loop() {
				o := res.Objects[n%len(res.Objects)]
				n++
				if _, err := e.Evaluate(context.Background(), rules.Input{Domain: "k8s", Object: o.Value, Environment: "production", Profile: prof, Inventory: inv.Value(o.Namespace)}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "objects/s")
		})
	}
}
