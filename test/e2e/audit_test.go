//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"

	"github.com/slotwise/slotcheck/internal/admission"
	"github.com/slotwise/slotcheck/internal/audit"
	"github.com/slotwise/slotcheck/internal/kube"
	"github.com/slotwise/slotcheck/internal/report"
	"github.com/slotwise/slotcheck/internal/rules"
)

// auditFixtures are the fixture sets the audit test creates, each in a
// namespace of its own (so that cross-object rules see the same
// neighbours as lint does in the set's files), in the environment its
// namespace's label names.
var auditFixtures = []struct {
	namespace, environment string
	files                  []string
}{
	{"audit-violations", "production", []string{
		"testdata/examples/violations/workload.yaml",
		"testdata/examples/violations/worker.yaml",
		"testdata/examples/violations/network.yaml",
		"testdata/examples/violations/edge.yaml",
		"testdata/audit/service.yaml",
	}},
	{"audit-reports", "development", []string{cronJob}},
	{"audit-compliant", "production", []string{
		"testdata/examples/compliant/deployment.yaml",
		"testdata/examples/compliant/platform.yaml",
		"testdata/examples/compliant/service.yaml",
	}},
}

// TestAudit creates the fixtures in the API server (admitted by the
// webhook in audit mode) and checks that `slotcheck audit` finds each
// object of a kind it judges (the workloads, and the Services, Ingresses and
// NetworkPolicies the rules' judges: name) with the rule ids of the
// admission rules that `slotcheck lint` gives its manifest, judges owned Pods
// and ReplicaSets through their Deployment, and reports a kind it may not
// list while still auditing the rest.
//
//	KUBEBUILDER_ASSETS=$(./scripts/envtest-assets) go test -count=1 -tags e2e -run TestAudit ./test/e2e/
func TestAudit(t *testing.T) {
	s := newSuite(t)
	bin := buildSlotcheck(t)
	admin := s.kubeconfig(t, envtest.User{Name: "audit-admin", Groups: []string{"system:masters"}})

	// What lint reports of each set's manifests, moved to the set's
	// namespace, is what the audit must report of the objects created.
	want := map[string][]string{}
	judged := judgedKinds(s.engine)
	workloads, others := 0, 0
	for _, set := range auditFixtures {
		s.namespace(t, set.namespace, map[string]string{
			admission.ModeLabel:    string(admission.ModeAudit),
			rules.EnvironmentLabel: set.environment,
		})
		var manifests []string
		for _, file := range set.files {
			for _, u := range unstructuredObjects(t, file, set.namespace) {
				// The manifest as written, before the API server defaults it.
				m := manifest(t, u)
				err := s.client.Create(t.Context(), u)
				switch {
				case meta.IsNoMatchError(err):
					continue // a custom resource whose CRD the test API server lacks
				case apierrors.IsInvalid(err):
					// A fixture no cluster can hold (worker.yaml requests more
					// CPU than its limit): lint alone can report it.
					t.Logf("%s %s from %s is not valid in a cluster: %v", u.GetKind(), u.GetName(), file, err)
					continue
				case err != nil:
					t.Fatalf("create %s %s from %s: %v", u.GetKind(), u.GetName(), file, err)
				}
				switch {
				case isWorkload(u.GetKind()):
					workloads++
				case judged[u.GetKind()]:
					others++
				}
				manifests = append(manifests, m)
			}
		}
		file := filepath.Join(t.TempDir(), "manifests.yaml")
		if err := os.WriteFile(file, []byte(strings.Join(manifests, "---\n")), 0o644); err != nil {
			t.Fatal(err)
		}
		lint, _ := runSlotcheck(t, bin, "lint", "--env", set.environment, "-f", "json", file)
		maps.Copy(want, judgedIDs(lint, set.namespace, s.engine))
	}
	workloads += ownedObjects(t, s, "audit-owned")
	// The API server's own objects of judged kinds (the Service kubernetes
	// in default) are audited too.
	var services corev1.ServiceList
	if err := s.client.List(t.Context(), &services, client.InNamespace(metav1.NamespaceDefault)); err != nil {
		t.Fatal(err)
	}
	others += len(services.Items)

	t.Run("the same rule ids as lint", func(t *testing.T) {
		got, code := runSlotcheck(t, bin, "audit", "--kubeconfig", admin, "--chunk-size", "2", "-f", "json")
		if code != 1 {
			t.Errorf("exit status %d, want 1 (blocking findings); errors: %v", code, got.Errors)
		}
		ids := judgedIDs(got, "", s.engine)
		for key, w := range want {
			if g := ids[key]; !slices.Equal(g, w) {
				t.Errorf("%s: audit %v, lint %v", key, g, w)
			}
		}
		for key := range ids {
			if _, ok := want[key]; !ok && !strings.HasPrefix(key, "audit-owned/") {
				t.Errorf("%s: audit %v, lint nothing", key, ids[key])
			}
		}
		if len(want) == 0 {
			t.Error("lint found nothing in the fixtures: the comparison proves nothing")
		}
		for _, k := range []string{"Service", "Ingress", "NetworkPolicy"} {
			if !slices.ContainsFunc(slices.Collect(maps.Keys(want)), func(key string) bool { return strings.Contains(key, "/"+k+"/") }) {
				t.Errorf("lint found nothing in the fixtures' %ss: the comparison proves nothing of them", k)
			}
		}
		if got.Summary.Objects != workloads+others {
			t.Errorf("audited %d objects, want the %d workloads and %d other judged objects created", got.Summary.Objects, workloads, others)
		}
	})

	t.Run("owned Pods and ReplicaSets are judged through their Deployment", func(t *testing.T) {
		got, _ := runSlotcheck(t, bin, "audit", "--kubeconfig", admin, "-n", "audit-owned", "-f", "json")
		files := map[string]bool{}
		for _, f := range got.Findings {
			files[f.File] = true
		}
		for file, judged := range map[string]bool{
			"audit-owned/Deployment/legacy":     true,
			"audit-owned/Pod/debug":             true,
			"audit-owned/ReplicaSet/legacy-5d8": false,
			"audit-owned/Pod/legacy-5d8-x2":     false,
		} {
			if files[file] != judged {
				t.Errorf("findings of %s: %t, want %t", file, files[file], judged)
			}
		}
		if got.Summary.Objects != 2 {
			t.Errorf("audited %d objects, want 2 (the Deployment and the bare Pod)", got.Summary.Objects)
		}
	})

	t.Run("a forbidden kind is reported and the rest audited", func(t *testing.T) {
		user := s.auditUser(t, "audit-no-statefulsets", "statefulsets")
		got, code := runSlotcheck(t, bin, "audit", "--kubeconfig", user, "-f", "json")
		if code != 2 {
			t.Errorf("exit status %d, want 2", code)
		}
		i := slices.IndexFunc(got.Errors, func(e report.JSONError) bool { return e.File == "statefulsets.apps" })
		if i < 0 || !strings.Contains(got.Errors[i].Message, "forbidden") {
			t.Fatalf("no forbidden error of statefulsets.apps in %+v", got.Errors)
		}
		if len(got.Errors) != 1 {
			t.Errorf("errors %+v, want only that of statefulsets.apps", got.Errors)
		}
		ids := judgedIDs(got, "", s.engine)
		if len(ids["audit-violations/Deployment/legacy"]) == 0 {
			t.Errorf("the Deployment was not audited beside the forbidden StatefulSets: %v", slices.Sorted(maps.Keys(ids)))
		}
		for key := range ids {
			if strings.Contains(key, "/StatefulSet/") {
				t.Errorf("%s reported, though StatefulSets may not be listed", key)
			}
		}
	})
}

// judgedKinds are the kinds the audit judges: the workloads and the kinds
// the admission rules' METADATA judges.
func judgedKinds(engine *rules.Engine) map[string]bool {
	out := map[string]bool{}
	for _, w := range kube.Workloads() {
		out[w.Kind] = true
	}
	for _, j := range engine.Judges(true) {
		out[j.Kind] = true
	}
	return out
}

// isWorkload reports whether a kind runs pods.
func isWorkload(kind string) bool {
	return slices.ContainsFunc(kube.Workloads(), func(w kube.Workload) bool { return w.Kind == kind })
}

// manifest is an object as a YAML manifest.
func manifest(t *testing.T, u *unstructured.Unstructured) string {
	t.Helper()
	b, err := yaml.Marshal(u.Object)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// ownedObjects creates, in namespace, a Deployment with a ReplicaSet it
// controls and a Pod that ReplicaSet controls (as the controllers a test
// API server lacks would have), and a bare Pod; it returns how many of
// them the audit judges.
func ownedObjects(t *testing.T, s *suite, namespace string) int {
	t.Helper()
	s.namespace(t, namespace, map[string]string{admission.ModeLabel: string(admission.ModeAudit)})
	deployment := unstructuredObjects(t, "testdata/examples/violations/workload.yaml", namespace)[0]
	if err := s.client.Create(t.Context(), deployment); err != nil {
		t.Fatalf("create the Deployment: %v", err)
	}
	template, _, _ := unstructured.NestedMap(deployment.Object, "spec", "template")
	podSpec, _, _ := unstructured.NestedMap(template, "spec")
	rs := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apps/v1", "kind": "ReplicaSet",
		"metadata": map[string]any{"name": "legacy-5d8", "namespace": namespace},
		"spec":     map[string]any{"selector": deployment.Object["spec"].(map[string]any)["selector"], "template": template},
	}}
	rs.SetOwnerReferences([]metav1.OwnerReference{controllerRef(deployment)})
	if err := s.client.Create(t.Context(), rs); err != nil {
		t.Fatalf("create the ReplicaSet: %v", err)
	}
	pod := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{"name": "legacy-5d8-x2", "namespace": namespace, "labels": template["metadata"].(map[string]any)["labels"]},
		"spec":     podSpec,
	}}
	pod.SetOwnerReferences([]metav1.OwnerReference{controllerRef(rs)})
	bare := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{"name": "debug", "namespace": namespace},
		"spec":     map[string]any{"containers": []any{map[string]any{"name": "shell", "image": "busybox:latest"}}},
	}}
	for _, p := range []*unstructured.Unstructured{pod, bare} {
		if err := s.client.Create(t.Context(), p); err != nil {
			t.Fatalf("create Pod %s: %v", p.GetName(), err)
		}
	}
	return 2
}

// controllerRef is an owner reference to owner as its controller.
func controllerRef(owner *unstructured.Unstructured) metav1.OwnerReference {
	yes := true
	return metav1.OwnerReference{APIVersion: owner.GetAPIVersion(), Kind: owner.GetKind(), Name: owner.GetName(), UID: owner.GetUID(), Controller: &yes}
}

// judgedIDs maps each object of a kind the audit judges in a report (of
// namespace, or of every namespace when empty) to the rule ids of its
// findings by admission rules, sorted, once each: namespace/Kind/name.
// Rules for repository files alone (OBS001 of a Service) are lint's only.
func judgedIDs(rep report.JSONReport, namespace string, engine *rules.Engine) map[string][]string {
	judged := judgedKinds(engine)
	out := map[string][]string{}
	for _, f := range rep.Findings {
		r, ok := engine.Rule(f.ID)
		if !judged[f.Kind] || f.Suppressed || !ok || !r.Admission {
			continue
		}
		ns := f.Namespace
		if namespace != "" {
			ns = namespace
		}
		key := ns + "/" + f.Kind + "/" + f.Name
		out[key] = append(out[key], f.ID)
	}
	for k, ids := range out {
		slices.Sort(ids)
		out[k] = slices.Compact(ids)
	}
	return out
}

// buildSlotcheck builds the slotcheck binary into a temporary folder.
func buildSlotcheck(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "slotcheck")
	build := exec.Command("go", "build", "-o", bin, "./cmd/slotcheck")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// runSlotcheck runs the binary and reads its JSON report and exit status.
func runSlotcheck(t *testing.T, bin string, args ...string) (report.JSONReport, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(t.Context(), bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = timeout
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("slotcheck %s: %v", strings.Join(args, " "), err)
	}
	var rep report.JSONReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("slotcheck %s (exit %d): not a JSON report: %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, err, stdout.String(), stderr.String())
	}
	return rep, code
}

// kubeconfig writes a kubeconfig of a new user of the API server.
func (s *suite) kubeconfig(t *testing.T, user envtest.User) string {
	t.Helper()
	u, err := s.env.AddUser(user, nil)
	if err != nil {
		t.Fatalf("user %s: %v", user.Name, err)
	}
	b, err := u.KubeConfig()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), user.Name+".kubeconfig")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// auditUser is a user bound to a ClusterRole that grants what the audit
// reads (audit.Resources) but the resources named, and its kubeconfig.
func (s *suite) auditUser(t *testing.T, name string, without ...string) string {
	t.Helper()
	role := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name}}
	for _, r := range audit.Resources(s.engine) {
		if !slices.Contains(without, r.Resource) {
			role.Rules = append(role.Rules, rbacv1.PolicyRule{APIGroups: []string{r.Group}, Resources: []string{r.Resource}, Verbs: []string{"get", "list"}})
		}
	}
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: name},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: name}},
	}
	if err := s.client.Create(t.Context(), role); err != nil {
		t.Fatalf("create ClusterRole %s: %v", name, err)
	}
	if err := s.client.Create(t.Context(), binding); err != nil {
		t.Fatalf("create ClusterRoleBinding %s: %v", name, err)
	}
	// RBAC reaches the authorizer through an informer: wait until the
	// user may list what the role grants.
	file := s.kubeconfig(t, envtest.User{Name: name})
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := clientcmd.RESTConfigFromKubeConfig(b)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "user "+name+" may list Deployments", func(ctx context.Context) (bool, error) {
		err := c.List(ctx, &appsv1.DeploymentList{})
		return err == nil, client.IgnoreNotFound(ignoreForbidden(err))
	})
	return file
}

// ignoreForbidden is nil for a forbidden error, err otherwise.
func ignoreForbidden(err error) error {
	if apierrors.IsForbidden(err) {
		return nil
	}
	return err
}
