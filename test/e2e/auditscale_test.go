//go:build e2e

package e2e

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/tools/pager"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/slotwise/slotcheck/internal/audit"
	"github.com/slotwise/slotcheck/internal/report"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/policies"
)

// The environment variables of the scale test: it runs only when asked,
// and the floor is the test binary run again with the variables that say
// what to list.
const (
	scaleEnv          = "SLOTCHECK_SCALE"
	scaleRunsEnv      = "SLOTCHECK_SCALE_RUNS"
	floorKubeconfig   = "SLOTCHECK_SCALE_FLOOR_KUBECONFIG"
	floorResourcesEnv = "SLOTCHECK_SCALE_FLOOR_RESOURCES"
	floorChunkEnv     = "SLOTCHECK_SCALE_FLOOR_CHUNK"
)

// The cluster of the scale test: scaleNamespaces namespaces, each with
// scaleDeployments Deployments, scaleServices Services and
// scaleNetworkPolicies NetworkPolicies: 10,000 objects.
const (
	scaleNamespaces      = 100
	scaleDeployments     = 90
	scaleServices        = 5
	scaleNetworkPolicies = 5
	scaleObjects         = scaleNamespaces * (scaleDeployments + scaleServices + scaleNetworkPolicies)
)

// TestAuditScale measures `slotcheck audit` of 10,000 objects in the test
// API server beside its floor, the bare paginated LISTs of the same
// resources by a process that discards what it reads (this test binary,
// run again as TestAuditScaleFloor), with the same chunk size and the same
// client-side rate limits. It logs wall times, their ratio and each
// process's peak RSS, and asserts no time. Opt-in, as creating the objects
// takes minutes:
//
//	SLOTCHECK_SCALE=1 KUBEBUILDER_ASSETS=$(./scripts/envtest-assets) go test -count=1 -tags e2e -run TestAuditScale -v -timeout 30m ./test/e2e/
func TestAuditScale(t *testing.T) {
	if os.Getenv(scaleEnv) != "1" {
		t.Skipf("set %s=1 to measure the audit of %d objects", scaleEnv, scaleObjects)
	}
	runs := 3
	if v := os.Getenv(scaleRunsEnv); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a positive number", scaleRunsEnv, v)
		}
		runs = n
	}
	cfg, kubeconfig := startBareAPIServer(t)
	bin := buildSlotcheck(t)
	start := time.Now()
	populate(t, cfg)
	t.Logf("created %d objects in %d namespaces in %s", scaleObjects, scaleNamespaces, time.Since(start).Round(time.Millisecond))

	resources := floorResources(t, cfg)
	chunk := strconv.Itoa(audit.DefaultChunkSize)
	var auditRuns, floorRuns []processRun
	for i := range runs {
		f := runProcess(t, os.Args[0], []string{"-test.run=^TestAuditScaleFloor$", "-test.count=1"},
			floorKubeconfig+"="+kubeconfig, floorResourcesEnv+"="+strings.Join(resources, ","), floorChunkEnv+"="+chunk)
		var listed int
		if _, err := fmt.Sscanf(f.stdout[max(0, strings.Index(f.stdout, "listed ")):], "listed %d objects", &listed); err != nil || listed < scaleObjects {
			t.Fatalf("floor run %d did not list the %d objects (%v):\n%s%s", i, scaleObjects, err, f.stdout, f.stderr)
		}
		a := runProcess(t, bin, []string{"audit", "--kubeconfig", kubeconfig, "--chunk-size", chunk, "--fail-on", "never", "-f", "json"})
		var rep report.JSONReport
		if err := json.Unmarshal([]byte(a.stdout), &rep); err != nil {
			t.Fatalf("audit run %d: not a JSON report (%v): %s", i, err, a.stderr)
		}
		if rep.Summary.Objects < scaleObjects || len(rep.Errors) > 0 {
			t.Fatalf("audit run %d: %d objects audited, errors %v", i, rep.Summary.Objects, rep.Errors)
		}
		t.Logf("run %d: audit %s, %.1f MiB peak RSS, %d findings; floor %s, %.1f MiB peak RSS",
			i+1, a.wall.Round(time.Millisecond), a.rssMiB(), len(rep.Findings), f.wall.Round(time.Millisecond), f.rssMiB())
		auditRuns, floorRuns = append(auditRuns, a), append(floorRuns, f)
	}
	am, fm := median(auditRuns), median(floorRuns)
	t.Logf("median of %d runs: audit %s (peak RSS up to %.1f MiB), floor %s (up to %.1f MiB): %.2fx the floor",
		runs, am.Round(time.Millisecond), maxRSS(auditRuns), fm.Round(time.Millisecond), maxRSS(floorRuns), float64(am)/float64(fm))
}

// TestAuditScaleFloor is the floor of TestAuditScale, which runs it in a
// process of its own: it lists every resource the audit lists, namespaces
// first, for the whole cluster, in pages, with a dynamic client as the
// audit uses, and discards the objects.
func TestAuditScaleFloor(t *testing.T) {
	kubeconfig := os.Getenv(floorKubeconfig)
	if kubeconfig == "" {
		t.Skip("run by TestAuditScale")
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	// slotcheck audit's client-side rate limits, where a kubeconfig sets none.
	cfg.QPS, cfg.Burst = 50, 300
	chunk, err := strconv.ParseInt(os.Getenv(floorChunkEnv), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	var gvrs []schema.GroupVersionResource
	for _, s := range strings.Split(os.Getenv(floorResourcesEnv), ",") {
		gvr, _ := schema.ParseResourceArg(s)
		if gvr == nil {
			t.Fatalf("resource %q: want resource.version.group", s)
		}
		gvrs = append(gvrs, *gvr)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	each := func(runtime.Object) error { n++; return nil }
	list := func(r dynamic.ResourceInterface) {
		p := pager.New(pager.SimplePageFunc(func(opts metav1.ListOptions) (runtime.Object, error) {
			return r.List(t.Context(), opts)
		}))
		p.PageSize = chunk
		if err := p.EachListItem(t.Context(), metav1.ListOptions{}, each); err != nil {
			t.Fatal(err)
		}
	}
	for _, gvr := range gvrs {
		list(dyn.Resource(gvr))
	}
	fmt.Printf("listed %d objects\n", n)
}

// startBareAPIServer starts kube-apiserver and etcd without the webhook,
// whose reviews would only slow the creation of the objects, and writes a
// kubeconfig of an administrator.
func startBareAPIServer(t *testing.T) (*rest.Config, string) {
	t.Helper()
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		t.Fatal("KUBEBUILDER_ASSETS is not set: KUBEBUILDER_ASSETS=$(./scripts/envtest-assets)")
	}
	env := &envtest.Environment{BinaryAssetsDirectory: assets, ControlPlaneStartTimeout: timeout, ControlPlaneStopTimeout: timeout}
	env.ControlPlane.GetAPIServer().Configure().
		Set("advertise-address", loopback).
		Set("endpoint-reconciler-type", "none")
	t.Cleanup(func() {
		if err := env.Stop(); err != nil {
			t.Errorf("stop kube-apiserver and etcd: %v", err)
		}
	})
	cfg, err := env.Start()
	if err != nil {
		t.Fatalf("start kube-apiserver and etcd: %v", err)
	}
	u, err := env.AddUser(envtest.User{Name: "scale-admin", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := u.KubeConfig()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "admin.kubeconfig")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg, file
}

// populate creates the namespaces and their objects, many at a time and
// without client-side rate limits.
func populate(t *testing.T, cfg *rest.Config) {
	t.Helper()
	cfg = rest.CopyConfig(cfg)
	cfg.QPS = -1 // no client-side rate limit
	c, err := client.New(cfg, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var objs []client.Object
	for n := range scaleNamespaces {
		ns := fmt.Sprintf("scale-%03d", n)
		if err := c.Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: map[string]string{rules.EnvironmentLabel: rules.Environments()[n%3]}}}); err != nil {
			t.Fatalf("create namespace %s: %v", ns, err)
		}
		for i := range scaleDeployments {
			objs = append(objs, scaleDeployment(ns, i))
		}
		for i := range scaleServices {
			objs = append(objs, scaleService(ns, i))
		}
		for i := range scaleNetworkPolicies {
			objs = append(objs, scaleNetworkPolicy(ns, i))
		}
	}
	g, ctx := errgroup.WithContext(t.Context())
	g.SetLimit(32)
	for _, o := range objs {
		g.Go(func() error {
			if err := c.Create(ctx, o); err != nil {
				return fmt.Errorf("create %s/%s: %w", o.GetNamespace(), o.GetName(), err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
}

// scaleDeployment is a Deployment that breaks some rules in every
// environment (a literal credential, no probes, no security context).
func scaleDeployment(ns string, i int) *appsv1.Deployment {
	labels := map[string]string{"app": fmt.Sprintf("web-%d", i), "version": "v1"}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("web-%d", i), Namespace: ns, Labels: labels},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](2),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": labels["app"]}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{
					Name:  "app",
					Image: fmt.Sprintf("registry.example.com/web:v1.%d", i),
					Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}},
					Resources: corev1.ResourceRequirements{
						Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("128Mi")},
						Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("256Mi")},
					},
					Env: []corev1.EnvVar{{Name: "DB_PASSWORD", Value: "hunter2"}},
				}}},
			},
		},
	}
}

// scaleService is a headless Service (the test API server has a few hundred
// cluster IPs to give) with an unnamed port (NET003).
func scaleService(ns string, i int) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("svc-%d", i), Namespace: ns},
		Spec: corev1.ServiceSpec{
			ClusterIP: corev1.ClusterIPNone,
			Selector:  map[string]string{"app": fmt.Sprintf("web-%d", i)},
			Ports:     []corev1.ServicePort{{Port: 80}},
		},
	}
}

// scaleNetworkPolicy isolates one Deployment's pods.
func scaleNetworkPolicy(ns string, i int) *networkingv1.NetworkPolicy {
	return &networkingv1.NetworkPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("np-%d", i), Namespace: ns},
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": fmt.Sprintf("web-%d", i)}},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress},
		},
	}
}

// floorResources are the resources the audit lists, at the versions the
// API server prefers, as resource.version.group: namespaces first, as
// audit.Resources names them.
func floorResources(t *testing.T, cfg *rest.Config) []string {
	t.Helper()
	engine, err := rules.New(t.Context(), policies.FS())
	if err != nil {
		t.Fatal(err)
	}
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	groups, err := restmapper.GetAPIGroupResources(dc)
	if err != nil {
		t.Fatal(err)
	}
	mapper := restmapper.NewDiscoveryRESTMapper(groups)
	var out []string
	for _, r := range audit.Resources(engine) {
		gvr, err := mapper.ResourceFor(schema.GroupVersionResource{Group: r.Group, Resource: r.Resource})
		if err != nil {
			continue // a kind the API server does not serve, which the audit skips too
		}
		out = append(out, gvr.Resource+"."+gvr.Version+"."+gvr.Group) // core: services.v1.
	}
	return out
}

// processRun is one run of a process: its output, wall time and peak RSS.
type processRun struct {
	stdout, stderr string
	wall           time.Duration
	maxRSS         int64 // KiB
}

func (p processRun) rssMiB() float64 { return float64(p.maxRSS) / 1024 }

// runProcess runs a command with env added to the test's, and measures
// its wall time and peak RSS. The peak is the process's VmHWM, sampled
// until it exits: the rusage of a child counts the memory of its parent at
// the fork, which would report this test's own size instead.
func runProcess(t *testing.T, bin string, args []string, env ...string) processRun {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(context.WithoutCancel(t.Context()), bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s %s: %v", bin, strings.Join(args, " "), err)
	}
	peak := make(chan int64)
	done := make(chan struct{})
	go func() { peak <- sampleHWM(cmd.Process.Pid, done) }()
	err := cmd.Wait()
	wall := time.Since(start)
	close(done)
	run := processRun{stdout: stdout.String(), stderr: stderr.String(), wall: wall, maxRSS: <-peak}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("%s %s: %v", bin, strings.Join(args, " "), err)
	}
	if code := cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("%s %s: exit status %d\n%s", bin, strings.Join(args, " "), code, stderr.String())
	}
	return run
}

// sampleHWM reads the peak resident set size (VmHWM, KiB) of a process
// every few milliseconds until done, and returns the last it read.
func sampleHWM(pid int, done <-chan struct{}) int64 {
	var hwm int64
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err == nil {
			for line := range strings.Lines(string(b)) {
				if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
					if kib, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64); err == nil {
						hwm = max(hwm, kib)
					}
				}
			}
		}
		select {
		case <-done:
			return hwm
		case <-tick.C:
		}
	}
}

// median is the median wall time of runs.
func median(runs []processRun) time.Duration {
	walls := make([]time.Duration, len(runs))
	for i, r := range runs {
		walls[i] = r.wall
	}
	slices.Sort(walls)
	return walls[len(walls)/2]
}

// maxRSS is the highest peak RSS of runs, in MiB.
func maxRSS(runs []processRun) float64 {
	return slices.MaxFunc(runs, func(a, b processRun) int { return cmp.Compare(a.maxRSS, b.maxRSS) }).rssMiB()
}
