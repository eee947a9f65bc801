//go:build e2e

package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/slotwise/slotcheck/internal/admission"
)

const (
	// workload breaks most rules at once (SEC001, SEC008, IMG001, ...).
	workload = "testdata/examples/violations/workload.yaml"
	// compliant is written to the standard; platform holds the
	// NetworkPolicy and HorizontalPodAutoscaler its cross-object rules look for.
	compliant = "testdata/examples/compliant/deployment.yaml"
	platform  = "testdata/examples/compliant/platform.yaml"
	cronJob   = "testdata/examples/violations/development/cronjob.yaml"
)

// TestWebhook runs every scenario against one control plane and webhook:
// starting them is most of the suite's time.
func TestWebhook(t *testing.T) {
	start := time.Now()
	s := newSuite(t)
	t.Logf("kube-apiserver, etcd and the webhook ready in %s", time.Since(start).Round(time.Millisecond))

	// Each scenario has namespaces of its own, so they run in parallel; the
	// failure policy scenario stops the webhook, so it runs after them.
	t.Run("admission", func(t *testing.T) {
		for _, tt := range []struct {
			name string
			test func(*testing.T, *suite)
		}{
			{"noncompliant objects are denied with their rule ids", testDenied},
			{"a compliant Deployment with its platform objects is created", testCompliant},
			{"warnings reach the client", testWarnings},
			{"namespace modes", testModes},
			{"excluded namespaces and exempt objects are allowed", testExclusions},
			{"updates are ratcheted", testRatchet},
			{"dry-run creates are judged like real ones", testDryRun},
			{"the webhook's chart renders objects this API server accepts", testChartDryRun},
			{"the real binary serves, probes, judges with its --policy rules, reports metrics and stops on SIGTERM", testBinary},
		} {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				tt.test(t, s)
			})
		}
	})
	// It replaces the serving certificate that every scenario relies on.
	t.Run("a garbage certificate keeps the old one serving", func(t *testing.T) { testGarbageCertificate(t, s) })
	t.Run("failure policy", func(t *testing.T) { testFailurePolicy(t, s) })
}

func legacy(t *testing.T, namespace string) *appsv1.Deployment {
	return fixture(t, workload, namespace, &appsv1.Deployment{})
}

// noncompliantPod is a bare Pod as `kubectl run` makes one: no security
// context, no resources, a moving tag.
func noncompliantPod(namespace string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "debug", Namespace: namespace},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "debug", Image: "busybox:latest"}}},
	}
}

func testDenied(t *testing.T, s *suite) {
	const ns = "e2e-enforce"
	s.namespace(t, ns, nil)
	for _, tt := range []struct {
		name string
		obj  client.Object
		ids  []string
	}{
		{"Deployment", legacy(t, ns), []string{"SEC001", "SEC008", "IMG001"}},
		{"Pod", noncompliantPod(ns), []string{"SEC001", "IMG001"}},
		// An untagged image, which production (the namespace's
		// environment) does not accept.
		{"CronJob", fixture(t, cronJob, ns, &batchv1.CronJob{}), []string{"IMG001"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			msg := mustDeny(t, s.create(t, tt.obj), tt.ids...)
			want := "slotcheck denied " + tt.name + "/" + tt.obj.GetName()
			if !strings.Contains(msg, deniedBy+want) {
				t.Errorf("denial does not start with %q: %s", want, msg)
			}
			err := s.client.Get(t.Context(), client.ObjectKeyFromObject(tt.obj), tt.obj.DeepCopyObject().(client.Object))
			if !apierrors.IsNotFound(err) {
				t.Errorf("denied %s was stored: %v", tt.name, err)
			}
			if tt.name == "Deployment" {
				t.Logf("the error a client gets for %s:\n%s", workload, msg)
			}
		})
	}

	// kubectl prints the same denial; it is optional (scripts/envtest-assets
	// links the machine's kubectl when there is one).
	t.Run("kubectl", func(t *testing.T) {
		kubectl := filepath.Join(os.Getenv("KUBEBUILDER_ASSETS"), "kubectl")
		if _, err := os.Stat(kubectl); err != nil {
			t.Skipf("no kubectl next to kube-apiserver: %v", err)
		}
		kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
		if err := os.WriteFile(kubeconfig, s.env.KubeConfig, 0o600); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), timeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, kubectl, "--kubeconfig", kubeconfig, "create", "--namespace", ns, "-f", workload)
		cmd.Dir = filepath.Join("..", "..") // so that kubectl names the file as the README does
		out, err := cmd.CombinedOutput()
		if err == nil {
			t.Fatalf("kubectl created the noncompliant Deployment:\n%s", out)
		}
		for _, want := range []string{deniedBy, "[SEC001]", "[SEC008]"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("kubectl's output lacks %q:\n%s", want, out)
			}
		}
		t.Logf("$ kubectl create --namespace %s -f %s\n%s", ns, workload, out)
	})
}

func testCompliant(t *testing.T, s *suite) {
	// The namespace the fixtures name; it resolves to production, the
	// strictest environment.
	const ns = "slotwise"
	s.namespace(t, ns, nil)
	for _, obj := range unstructuredObjects(t, platform, ns) {
		// The Prometheus operator's CRD is not installed, and the webhook
		// does not read ServiceMonitors (OBS001 judges Services).
		if obj.GetKind() == "ServiceMonitor" {
			continue
		}
		if r := s.create(t, obj); r.err != nil {
			t.Fatalf("%s/%s: %s", obj.GetKind(), obj.GetName(), r)
		}
	}
	// NET001 and AVL001 read the webhook's informers, which see the
	// NetworkPolicy and the HPA shortly after the API server stores them.
	c := s.webhookCache(t)
	eventually(t, "NetworkPolicy and HorizontalPodAutoscaler in the webhook's cache", func(ctx context.Context) (bool, error) {
		var nps networkingv1.NetworkPolicyList
		var hpas autoscalingv2.HorizontalPodAutoscalerList
		if err := c.List(ctx, &nps, client.InNamespace(ns)); err != nil {
			return false, err
		}
		if err := c.List(ctx, &hpas, client.InNamespace(ns)); err != nil {
			return false, err
		}
		return len(nps.Items) == 1 && len(hpas.Items) == 1, nil
	})

	r := s.create(t, fixture(t, compliant, ns, &appsv1.Deployment{}))
	mustAllow(t, r)
	if len(r.warnings) > 0 {
		t.Errorf("the compliant Deployment drew warnings: %s", r)
	}
}

func testWarnings(t *testing.T, s *suite) {
	// No NetworkPolicy here: NET001 is a cross-object rule, which warns
	// rather than denies, since `kubectl apply -f dir/` may send the
	// Deployment before its NetworkPolicy.
	const ns = "e2e-warnings"
	s.namespace(t, ns, nil)
	r := s.create(t, fixture(t, compliant, ns, &appsv1.Deployment{}))
	mustAllow(t, r)
	mustWarn(t, r, "[NET001]")
	t.Logf("warnings the client got:\n  %s", strings.Join(r.warnings, "\n  "))
}

func testModes(t *testing.T, s *suite) {
	for _, tt := range []struct {
		mode    admission.Mode
		allowed bool
		warns   []string // nil: no warning at all
	}{
		{admission.ModeEnforce, false, nil},
		// Only the first errors: the API server keeps 4096 runes of
		// warnings per response, and once over it cuts each to 256 runes
		// and drops the rest (k8s.io/apiserver endpoints/filters/warning.go).
		{admission.ModeWarn, true, []string{"[IMG001]", "[SEC001]"}},
		{admission.ModeAudit, true, nil},
	} {
		t.Run(string(tt.mode), func(t *testing.T) {
			ns := "e2e-mode-" + string(tt.mode)
			s.namespace(t, ns, map[string]string{admission.ModeLabel: string(tt.mode)})
			r := s.create(t, legacy(t, ns))
			if !tt.allowed {
				mustDeny(t, r, "SEC001")
				return
			}
			mustAllow(t, r)
			mustWarn(t, r, tt.warns...)
			if tt.warns == nil && len(r.warnings) > 0 {
				t.Errorf("warned in %s mode: %s", tt.mode, r)
			}
			if cut := slices.IndexFunc(r.warnings, func(w string) bool { return !strings.Contains(w, " See https://") }); cut >= 0 {
				t.Logf("the API server delivered %d warnings, each cut to 256 runes (over its budget of 4096); the first: %q", len(r.warnings), r.warnings[cut])
			}
		})
	}
}

// ruleLine is a finding's line in a denial: "[ID] message ...".
var ruleLine = regexp.MustCompile(`(?m)^\[([A-Z]+[0-9]+)\] `)

func testExclusions(t *testing.T, s *suite) {
	t.Run("excluded namespace", func(t *testing.T) {
		s.namespace(t, excludedNamespace, nil)
		r := s.create(t, legacy(t, excludedNamespace))
		mustAllow(t, r)
		if len(r.warnings) > 0 {
			t.Errorf("an excluded namespace drew warnings: %s", r)
		}
	})

	const ns = "e2e-exempt"
	s.namespace(t, ns, nil)
	// The rules that deny come from the webhook itself, so the test follows
	// the policies as they change.
	var ids []string
	for _, m := range ruleLine.FindAllStringSubmatch(mustDeny(t, s.create(t, legacy(t, ns), client.DryRunAll), "SEC001"), -1) {
		ids = append(ids, m[1])
	}
	for _, tt := range []struct {
		name    string
		object  string
		reason  string
		allowed bool
	}{
		{"exempt from every denying rule, with a reason", "legacy-exempt", "e2e: accepted risk, reviewed by platform-security", true},
		// The style of testdata/examples/inputs/exempt.yaml's blank SEC003.
		{"an exemption without a reason exempts nothing", "legacy-blank", "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := legacy(t, ns)
			d.Name = tt.object
			d.Annotations = map[string]string{}
			for _, id := range ids {
				d.Annotations["slotcheck.slotwise.com/exempt-"+id] = tt.reason
			}
			r := s.create(t, d)
			if tt.allowed {
				mustAllow(t, r)
			} else {
				mustDeny(t, r, "EXM001", "SEC001")
			}
		})
	}
}

func testRatchet(t *testing.T, s *suite) {
	const ns = "e2e-ratchet"
	s.namespace(t, ns, map[string]string{admission.ModeLabel: string(admission.ModeAudit)})
	// The compliant Deployment with one violation: SEC005.
	d := fixture(t, compliant, ns, &appsv1.Deployment{})
	escalate := true
	d.Spec.Template.Spec.Containers[0].SecurityContext.AllowPrivilegeEscalation = &escalate
	r := s.create(t, d)
	mustAllow(t, r)
	if len(r.warnings) > 0 {
		t.Errorf("audit mode warned: %s", r)
	}

	s.label(t, ns, map[string]string{admission.ModeLabel: string(admission.ModeEnforce)})
	// Enforced now: the same object, new, is denied.
	fresh := d.DeepCopy()
	fresh.Name, fresh.ResourceVersion = "fresh", ""
	mustDeny(t, s.create(t, fresh, client.DryRunAll), "SEC005")

	current := func() *appsv1.Deployment {
		var got appsv1.Deployment
		if err := s.client.Get(t.Context(), client.ObjectKeyFromObject(d), &got); err != nil {
			t.Fatalf("get: %v", err)
		}
		return &got
	}
	t.Run("an update of a label keeps the old violation, with a warning", func(t *testing.T) {
		got := current()
		got.Labels["team"] = "payments"
		r := s.update(t, got)
		mustAllow(t, r)
		mustWarn(t, r, "pre-existing, not denied on update: [SEC005]")
	})
	t.Run("an update that adds a violation is denied for it alone", func(t *testing.T) {
		got := current()
		got.Spec.Template.Spec.Containers[0].Image = "slotwise/auth-service:latest"
		r := s.update(t, got)
		msg := mustDeny(t, r, "IMG001")
		if strings.Contains(msg, "[SEC005]") {
			t.Errorf("the pre-existing SEC005 denies: %s", msg)
		}
		mustWarn(t, r, "pre-existing, not denied on update: [SEC005]")
	})
}

func testDryRun(t *testing.T, s *suite) {
	const ns = "e2e-dry-run"
	s.namespace(t, ns, nil)
	for _, tt := range []struct {
		name string
		obj  func() client.Object
	}{
		{"noncompliant Deployment", func() client.Object { return legacy(t, ns) }},
		{"compliant Deployment", func() client.Object { return fixture(t, compliant, ns, &appsv1.Deployment{}) }},
		{"noncompliant Pod", func() client.Object { return noncompliantPod(ns) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dry := s.create(t, tt.obj(), client.DryRunAll)
			obj := tt.obj()
			if err := s.client.Get(t.Context(), client.ObjectKeyFromObject(obj), obj); !apierrors.IsNotFound(err) {
				t.Fatalf("a dry run stored the object: %v", err)
			}
			stored := s.create(t, obj)
			if (dry.err == nil) != (stored.err == nil) || (dry.err != nil && dry.err.Error() != stored.err.Error()) {
				t.Errorf("dry run: %s\nreal create: %s", dry, stored)
			}
			slices.Sort(dry.warnings)
			slices.Sort(stored.warnings)
			if !slices.Equal(dry.warnings, stored.warnings) {
				t.Errorf("warnings differ:\ndry run: %q\nreal create: %q", dry.warnings, stored.warnings)
			}
		})
	}
}

func testFailurePolicy(t *testing.T, s *suite) {
	const ns = "e2e-failure"
	s.namespace(t, ns, nil)
	// The namespaces the chart's configuration leaves out, as a release in
	// e2e-release with one more excluded namespace installs them.
	const release, extra = "e2e-release", "e2e-cert-manager"
	excluded := s.useChartNamespaceSelector(t, release, extra)
	for _, want := range []string{"kube-system", "kube-node-lease", release, extra} {
		if !slices.Contains(excluded, want) {
			t.Fatalf("the chart's namespaceSelector leaves out %v, not %s", excluded, want)
		}
	}
	for _, name := range []string{release, extra} {
		s.namespace(t, name, nil)
	}
	// The API server applies a changed webhook configuration a moment
	// later; until then it sends these namespaces' objects to the webhook,
	// and, once the webhook is stopped, refuses them. The webhook, still
	// up, denies a noncompliant Pod there (its own configuration excludes
	// neither): allowed, the Pod was not sent.
	eventually(t, "the API server leaving "+release+" and "+extra+" out of the webhook's reviews", func(context.Context) (bool, error) {
		for _, name := range []string{release, extra} {
			if s.create(t, noncompliantPod(name), client.DryRunAll).err != nil {
				return false, nil
			}
		}
		return true, nil
	})
	if err := s.stopWebhook(); err != nil {
		t.Fatal(err)
	}

	// failurePolicy Fail (as installed): nothing the webhook judges gets in,
	// compliant or not, while it is down.
	r := s.create(t, fixture(t, compliant, ns, &appsv1.Deployment{}))
	if r.err == nil || !strings.Contains(r.err.Error(), `failed calling webhook "`+webhookName+`"`) {
		t.Fatalf("with the webhook down and failurePolicy Fail, want the API server to reject the create; %s", r)
	}
	t.Logf("failurePolicy Fail, webhook down: %v", r.err)
	// ... except in the namespaces the chart's namespaceSelector leaves out,
	// the webhook's own among them, so that it can always be redeployed.
	for _, name := range excluded {
		t.Run("excluded "+name, func(t *testing.T) {
			mustAllow(t, s.create(t, noncompliantPod(name)))
		})
	}

	// failurePolicy Ignore: everything gets in unjudged, noncompliant too.
	s.setFailurePolicy(t, admissionregistrationv1.Ignore)
	eventually(t, "the API server allowing a create with failurePolicy Ignore", func(context.Context) (bool, error) {
		return s.create(t, legacy(t, ns), client.DryRunAll).err == nil, nil
	})
	mustAllow(t, s.create(t, legacy(t, ns)))

	// Restarted on the same port and certificate, with failurePolicy Fail
	// back, the webhook judges again.
	s.startWebhook(t)
	s.setFailurePolicy(t, admissionregistrationv1.Fail)
	again := legacy(t, ns)
	again.Name = "legacy-again"
	mustDeny(t, s.create(t, again), "SEC001")
}
