//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	openreportsv1alpha1 "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
	"github.com/prometheus/client_golang/prometheus"
	authorizationv1 "k8s.io/api/authorization/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/slotwise/slotcheck/internal/admission"
	"github.com/slotwise/slotcheck/internal/audit"
	"github.com/slotwise/slotcheck/internal/background"
	"github.com/slotwise/slotcheck/internal/openreport"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/source"
)

// reportsNamespace is where the test's noncompliant objects run.
const reportsNamespace = "reports-dirty"

// TestReports runs the webhook's background audit against the API server
// with the OpenReports CRDs the chart ships installed: the first audit, on
// the leader of a manager with leader election as cmd/webhook wires it,
// writes the namespace's Report; a later one leaves it as it is, drops the
// results of a field fixed and of an object that is gone, and deletes the
// Report once the namespace is clean; the gauges agree with the Report each time.
//
//	KUBEBUILDER_ASSETS=$(./scripts/envtest-assets) go test -count=1 -tags e2e -run TestReports ./test/e2e/
func TestReports(t *testing.T) {
	s := newSuite(t)
	if _, err := envtest.InstallCRDs(s.env.Config, envtest.CRDInstallOptions{
		Paths:              []string{filepath.Join("..", "..", "charts", "slotcheck-webhook", "files", "openreports")},
		ErrorIfPathMissing: true,
	}); err != nil {
		t.Fatalf("install the OpenReports CRDs: %v", err)
	}
	s.namespace(t, reportsNamespace, map[string]string{admission.ModeLabel: string(admission.ModeAudit), rules.EnvironmentLabel: "production"})
	deployment, pod := legacy(t, reportsNamespace), noncompliantPod(reportsNamespace)
	for _, obj := range []client.Object{deployment, pod} {
		if r := s.create(t, obj); r.err != nil {
			t.Fatalf("create %s: %v", obj.GetName(), r.err)
		}
	}
	reports := reportsClient(t, s)
	reg := prometheus.NewRegistry()
	a := backgroundAuditor(t, s, reports, reg)

	runOnLeader(t, s, a, reports, reg)
	first := slotcheckReport(t, reports)
	if first == nil {
		t.Fatal("no report after the first audit")
	}
	subjects := map[string]bool{}
	for _, r := range first.Results {
		subjects[r.Subjects[0].Kind+"/"+r.Subjects[0].Name] = true
		if r.Properties[openreport.PropertyFieldPath] == "" {
			t.Errorf("result %s of %s/%s has no field path", r.Policy, r.Subjects[0].Kind, r.Subjects[0].Name)
		}
		if r.Subjects[0].APIVersion == "" {
			t.Errorf("result %s of %s/%s names no apiVersion", r.Policy, r.Subjects[0].Kind, r.Subjects[0].Name)
		}
	}
	if !subjects["Deployment/legacy"] || !subjects["Pod/debug"] {
		t.Errorf("results name %v, want Deployment/legacy and Pod/debug", slices.Sorted(maps.Keys(subjects)))
	}
	gaugesAgree(t, reg, first)

	t.Run("an unchanged namespace keeps its report as it is", func(t *testing.T) {
		res := pass(t, a)
		if res.Actions[openreport.Unchanged] != 1 {
			t.Errorf("actions %v, want the report unchanged", res.Actions)
		}
		if got := slotcheckReport(t, reports); got == nil || got.ResourceVersion != first.ResourceVersion {
			t.Errorf("the report was written again though nothing changed")
		}
		gaugesAgree(t, reg, first)
	})

	const imagePath = "spec.containers[0].image"
	t.Run("a field fixed is gone from the report", func(t *testing.T) {
		if len(results(first, "Pod", imagePath)) == 0 {
			t.Fatalf("the first report has no result of the Pod's %s (busybox:latest): nothing to fix", imagePath)
		}
		// An image is the one field of a Pod's containers that may change.
		pod.Spec.Containers[0].Image = "slotwise/debug:v1.2.3"
		if r := s.update(t, pod); r.err != nil {
			t.Fatalf("fix the Pod's image: %v", r.err)
		}
		res := pass(t, a)
		if res.Actions[openreport.Updated] != 1 {
			t.Errorf("actions %v, want the report updated", res.Actions)
		}
		got := slotcheckReport(t, reports)
		if got == nil {
			t.Fatal("the report is gone, though the namespace still has findings")
		}
		if r := results(got, "Pod", imagePath); len(r) > 0 {
			t.Errorf("results %v of the fixed image are still there", r)
		}
		if len(results(got, "Pod", "")) == 0 {
			t.Error("the Pod's other results are gone too")
		}
		gaugesAgree(t, reg, got)
	})

	t.Run("an object deleted is gone from the report", func(t *testing.T) {
		remove(t, s, pod)
		res := pass(t, a)
		if res.Actions[openreport.Updated] != 1 {
			t.Errorf("actions %v, want the report updated", res.Actions)
		}
		got := slotcheckReport(t, reports)
		if got == nil {
			t.Fatal("the report is gone, though the Deployment still has findings")
		}
		if r := results(got, "Pod", ""); len(r) > 0 {
			t.Errorf("results %v of the deleted Pod are still there", r)
		}
		if len(results(got, "Deployment", "")) == 0 {
			t.Error("the Deployment's results are gone too")
		}
		gaugesAgree(t, reg, got)
	})

	t.Run("a clean namespace has no report", func(t *testing.T) {
		remove(t, s, deployment)
		res := pass(t, a)
		if res.Actions[openreport.Deleted] != 1 {
			t.Errorf("actions %v, want the report deleted", res.Actions)
		}
		if got := slotcheckReport(t, reports); got != nil {
			t.Errorf("the report is still there: %+v", got.Summary)
		}
		gaugesAgree(t, reg, nil)
	})

	t.Run("the binary audits with --audit-interval", func(t *testing.T) { testBinaryAudit(t, s, reports) })
}

// testBinaryAudit runs the slotcheck-webhook binary with its background
// audit on and leader election, as the chart does and with nothing but the
// RBAC the chart grants, and checks that it publishes the Report of a
// noncompliant namespace and gauges that agree.
func testBinaryAudit(t *testing.T, s *suite, reports client.Client) {
	const ns, release = "reports-binary", "reports-system"
	s.namespace(t, ns, map[string]string{admission.ModeLabel: string(admission.ModeAudit)})
	if r := s.create(t, noncompliantPod(ns)); r.err != nil {
		t.Fatalf("create the Pod: %v", r.err)
	}
	bin, dir := buildWebhook(t, s)
	kubeconfig := s.chartUser(t, release, "slotcheck-webhook-chart")
	health, metrics := freePort(t), freePort(t)
	var logs syncBuffer
	cmd := exec.Command(bin,
		"--kubeconfig", kubeconfig,
		"--cert-dir", filepath.Join(dir, "certs"),
		"--port", fmt.Sprint(freePort(t)),
		"--health-probe-bind-address", fmt.Sprintf("127.0.0.1:%d", health),
		"--metrics-bind-address", fmt.Sprintf("127.0.0.1:%d", metrics),
		"--excluded-namespaces", "kube-system",
		"--audit-interval", "1h",
		"--leader-elect",
		"--leader-election-namespace", release,
		"--leader-election-id", "slotcheck-e2e-binary",
	)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	proc := startProcess(t, cmd)
	var got openreportsv1alpha1.Report
	eventually(t, "the binary's Report in "+ns, func(ctx context.Context) (bool, error) {
		select {
		case <-proc.exited:
			return false, fmt.Errorf("slotcheck-webhook exited: %v\n%s", proc.err, logs.String())
		default:
		}
		err := reports.Get(ctx, client.ObjectKey{Namespace: ns, Name: openreport.Name}, &got)
		return err == nil, client.IgnoreNotFound(err)
	})
	// The gauges are set once the Reports are written: the audit's last step.
	var sum float64
	eventually(t, "the binary's slotcheck_audit_findings of "+ns, func(ctx context.Context) (bool, error) {
		sum = scrapeFindings(t, fmt.Sprintf("http://127.0.0.1:%d/metrics", metrics), ns)
		return sum > 0, nil
	})
	if want := float64(got.Summary.Fail + got.Summary.Warn); sum != want {
		t.Errorf("slotcheck_audit_findings of %s add up to %v, the Report's summary to %v", ns, sum, want)
	}
	proc.terminate(t, &logs)
}

// chartUser creates the RBAC objects the chart renders for a release in
// namespace release, bound to a user of that name instead of the
// chart's ServiceAccount, and returns the user's kubeconfig.
func (s *suite) chartUser(t *testing.T, release, user string) string {
	t.Helper()
	s.namespace(t, release, nil)
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	res := source.Load([]string{filepath.Join(root, "charts", "slotcheck-webhook")}, source.Options{WorkDir: root, Helm: source.HelmOptions{Namespace: release, ReleaseName: "slotcheck"}})
	if len(res.Errors) > 0 {
		t.Fatalf("render the chart: %v", res.Errors)
	}
	kinds := map[string]int{}
	var grants []authorizationv1.ResourceAttributes
	for _, o := range res.Objects {
		if !slices.Contains([]string{"ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"}, o.Kind) {
			continue
		}
		raw, err := ast.JSON(o.Value)
		if err != nil {
			t.Fatal(err)
		}
		obj := &unstructured.Unstructured{Object: raw.(map[string]any)}
		if strings.HasSuffix(o.Kind, "Binding") {
			obj.Object["subjects"] = []any{map[string]any{"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": user}}
		}
		if err := s.client.Create(t.Context(), obj); err != nil {
			t.Fatalf("create %s %s: %v", o.Kind, obj.GetName(), err)
		}
		kinds[o.Kind]++
		if !strings.HasSuffix(o.Kind, "Binding") {
			var role struct{ Rules []rbacv1.PolicyRule }
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj.Object, &role); err != nil {
				t.Fatalf("%s %s: %v", o.Kind, obj.GetName(), err)
			}
			grants = append(grants, resourceGrants(obj.GetNamespace(), role.Rules)...)
		}
	}
	// The webhook's ClusterRole and the audit's, the leader election Role,
	// and a binding of each.
	if want := map[string]int{"ClusterRole": 2, "ClusterRoleBinding": 2, "Role": 1, "RoleBinding": 1}; !maps.Equal(kinds, want) {
		t.Fatalf("the chart renders RBAC objects %v, want %v", kinds, want)
	}
	// RBAC reaches the authorizer through an informer: a binary started at
	// once could be refused its first audit (and wait an --audit-interval
	// for the next). Wait until the user holds every grant.
	eventually(t, "user "+user+" holding what the chart's roles grant", func(ctx context.Context) (bool, error) {
		for _, g := range grants {
			review := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{User: user, ResourceAttributes: &g}}
			if err := s.client.Create(ctx, review); err != nil {
				return false, err
			}
			if !review.Status.Allowed {
				return false, nil
			}
		}
		return true, nil
	})
	return s.kubeconfig(t, envtest.User{Name: user})
}

// resourceGrants are the requests that rules, of a Role in namespace (a
// ClusterRole when empty), allow: each verb on each resource, of each name
// when the rule names them.
func resourceGrants(namespace string, rules []rbacv1.PolicyRule) []authorizationv1.ResourceAttributes {
	var out []authorizationv1.ResourceAttributes
	for _, r := range rules {
		names := r.ResourceNames
		if len(names) == 0 {
			names = []string{""}
		}
		for _, group := range r.APIGroups {
			for _, resource := range r.Resources {
				for _, verb := range r.Verbs {
					for _, name := range names {
						out = append(out, authorizationv1.ResourceAttributes{Namespace: namespace, Verb: verb, Group: group, Resource: resource, Name: name})
					}
				}
			}
		}
	}
	return out
}

// buildWebhook builds the binary into a folder any user can read, beside
// the suite's serving certificate: started as root, the binary drops to an
// unprivileged user before it reads the certificate.
func buildWebhook(t *testing.T, s *suite) (bin, dir string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "slotcheck-webhook-audit-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	for _, d := range []string{dir, filepath.Join(dir, "certs")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	bin = filepath.Join(dir, "slotcheck-webhook")
	build := exec.Command("go", "build", "-o", bin, "./cmd/webhook")
	build.Dir = filepath.Join("..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	for _, f := range []string{"tls.crt", "tls.key"} {
		b, err := os.ReadFile(filepath.Join(s.env.WebhookInstallOptions.LocalServingCertDir, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "certs", f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return bin, dir
}

// scrapeFindings adds up the slotcheck_audit_findings series of namespace
// that url serves.
func scrapeFindings(t *testing.T, url, namespace string) float64 {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0
	}
	sum := 0.0
	prefix := `slotcheck_audit_findings{namespace="` + namespace + `"`
	for _, line := range strings.Split(string(body), "\n") {
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		v, err := strconv.ParseFloat(line[strings.LastIndex(line, " ")+1:], 64)
		if err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		sum += v
	}
	return sum
}

// results are the policies of a Report's results of a kind, at a field
// path (any when empty).
func results(r *openreportsv1alpha1.Report, kind, fieldPath string) []string {
	var out []string
	for _, res := range r.Results {
		if res.Subjects[0].Kind == kind && (fieldPath == "" || res.Properties[openreport.PropertyFieldPath] == fieldPath) {
			out = append(out, res.Policy)
		}
	}
	return out
}

// reportsClient is a client that knows the OpenReports types.
func reportsClient(t *testing.T, s *suite) client.Client {
	t.Helper()
	scheme := runtime.NewScheme()
	if err := openreportsv1alpha1.Install(scheme); err != nil {
		t.Fatal(err)
	}
	c, err := client.New(s.env.Config, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// backgroundAuditor is the audit cmd/webhook's addBackgroundAudit builds,
// with the suite's engine and exclusions and its gauges in reg.
func backgroundAuditor(t *testing.T, s *suite, reports client.Client, reg prometheus.Registerer) *background.Auditor {
	t.Helper()
	dyn, err := dynamic.NewForConfig(s.env.Config)
	if err != nil {
		t.Fatal(err)
	}
	disc, err := discovery.NewDiscoveryClientForConfig(s.env.Config)
	if err != nil {
		t.Fatal(err)
	}
	metrics := background.NewMetrics(reg)
	return &background.Auditor{
		Engine:    s.engine,
		Profiles:  s.profile,
		Cluster:   audit.Cluster{Dynamic: dyn, Discovery: disc},
		Publisher: &openreport.Publisher{Client: reports},
		Metrics:   metrics,
		Log:       ctrllog.Log.WithName("audit"),
		// The next audit is never due during the test: later audits are
		// driven through Pass.
		Interval: time.Hour,
		Excluded: []string{"kube-system", "kube-node-lease", excludedNamespace},
	}
}

// runOnLeader starts a manager with leader election and the audit as its
// leader-only runnable, waits for the audit's first Report and for the
// Lease naming the leader, and stops the manager.
func runOnLeader(t *testing.T, s *suite, a *background.Auditor, reports client.Client, reg prometheus.Gatherer) {
	t.Helper()
	const leaseNamespace, leaseName = "default", "slotcheck-webhook-audit"
	mgr, err := manager.New(s.env.Config, manager.Options{
		Logger:                        ctrllog.Log.WithName("audit-manager"),
		HealthProbeBindAddress:        "0",
		Metrics:                       metricsserver.Options{BindAddress: "0"},
		LeaderElection:                true,
		LeaderElectionNamespace:       leaseNamespace,
		LeaderElectionID:              leaseName,
		LeaderElectionReleaseOnCancel: true,
	})
	if err != nil {
		t.Fatalf("manager: %v", err)
	}
	if err := mgr.Add(a); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("audit manager: %v", err)
		}
	}()
	// A namespace's Report is written as soon as it is judged, before the
	// pass ends and sets the gauges: wait for both.
	eventually(t, "the leader's first audit writes a Report in "+reportsNamespace+" and ends", func(ctx context.Context) (bool, error) {
		return slotcheckReport(t, reports) != nil && lastRun(t, reg) > 0, nil
	})
	var lease coordinationv1.Lease
	if err := s.client.Get(t.Context(), client.ObjectKey{Namespace: leaseNamespace, Name: leaseName}, &lease); err != nil {
		t.Fatalf("the leader election Lease: %v", err)
	}
	if lease.Spec.HolderIdentity == nil || *lease.Spec.HolderIdentity == "" {
		t.Error("the Lease names no leader")
	}
}

// pass runs one audit.
func pass(t *testing.T, a *background.Auditor) background.Result {
	t.Helper()
	res, err := a.Pass(t.Context())
	if err != nil {
		t.Fatalf("audit: %v", err)
	}
	if res.Errors != 0 {
		t.Errorf("audit: %d errors", res.Errors)
	}
	return res
}

// slotcheckReport is slotcheck's Report of reportsNamespace, or nil.
func slotcheckReport(t *testing.T, c client.Client) *openreportsv1alpha1.Report {
	t.Helper()
	var r openreportsv1alpha1.Report
	err := c.Get(t.Context(), client.ObjectKey{Namespace: reportsNamespace, Name: openreport.Name}, &r)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		t.Fatalf("get the report: %v", err)
	}
	if !openreport.Ours(&r) {
		t.Errorf("the report lacks the label %s=%s", openreport.ManagedByLabel, openreport.ManagedBy)
	}
	return &r
}

// remove deletes an object and waits until it is gone.
func remove(t *testing.T, s *suite, obj client.Object) {
	t.Helper()
	if err := s.client.Delete(t.Context(), obj, client.GracePeriodSeconds(0)); err != nil {
		t.Fatalf("delete %s: %v", obj.GetName(), err)
	}
	eventually(t, obj.GetName()+" deleted", func(ctx context.Context) (bool, error) {
		err := s.client.Get(ctx, client.ObjectKeyFromObject(obj), obj)
		return apierrors.IsNotFound(err), client.IgnoreNotFound(err)
	})
}

// gaugesAgree checks that slotcheck_audit_findings of reportsNamespace
// counts, rule by rule, the Report's results that are not exemptions, and
// in all what its summary counts (r nil: no series at all).
func gaugesAgree(t *testing.T, reg prometheus.Gatherer, r *openreportsv1alpha1.Report) {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	gauges := map[string]float64{}
	for _, mf := range families {
		if mf.GetName() != "slotcheck_audit_findings" {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["namespace"] == reportsNamespace {
				gauges[labels["rule"]] += m.GetGauge().GetValue()
			}
		}
	}
	results := map[string]float64{}
	total := 0.0
	if r != nil {
		for _, res := range r.Results {
			if res.Result != "skip" {
				results[res.Policy]++
			}
		}
		total = float64(r.Summary.Fail + r.Summary.Warn)
	}
	if !maps.Equal(gauges, results) {
		t.Errorf("slotcheck_audit_findings of %s by rule %v, the report's results %v", reportsNamespace, gauges, results)
	}
	sum := 0.0
	for _, v := range gauges {
		sum += v
	}
	if sum != total {
		t.Errorf("slotcheck_audit_findings of %s add up to %v, the report's summary to %v", reportsNamespace, sum, total)
	}
}

// lastRun is slotcheck_audit_last_run_timestamp_seconds, 0 before the first
// audit ends.
func lastRun(t *testing.T, reg prometheus.Gatherer) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range families {
		if mf.GetName() == "slotcheck_audit_last_run_timestamp_seconds" && len(mf.GetMetric()) > 0 {
			return mf.GetMetric()[0].GetGauge().GetValue()
		}
	}
	return 0
}
