package admission

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/slotwise/slotcheck/internal/config"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
)

var rollout = config.Workload{APIVersion: "argoproj.io/v1alpha1", Kind: "Rollout", PodTemplate: config.FieldPath{"spec", "template"}}

// rolloutRequest is a request for an object of kind Rollout at apiVersion
// argoproj.io/<version>, as the API server sends a custom resource.
func rolloutRequest(version string, op admissionv1.Operation, obj []byte) admission.Request {
	r := request("Rollout", "rollouts", "shop", op, obj, nil)
	r.Kind = metav1.GroupVersionKind{Group: "argoproj.io", Version: version, Kind: "Rollout"}
	r.Resource = metav1.GroupVersionResource{Group: "argoproj.io", Version: version, Resource: "rollouts"}
	return r
}

// TestConfiguredWorkloadParity: a Rollout, once configured, is denied with
// exactly the findings the CLI gives its manifest under the same
// configuration (testdata/workloads/rollout/.slotcheck.yaml).
func TestConfiguredWorkloadParity(t *testing.T) {
	root := repo(t)
	engine := compile(t)
	dir := filepath.Join(root, "testdata", "workloads", "rollout")
	rep, err := scan.Run(context.Background(), engine, scan.Options{Paths: []string{dir}, WorkDir: root})
	if err != nil {
		t.Fatal(err)
	}
	var own []scan.Finding
	for f := range rep.All() {
		if f.Kind == "Rollout" && f.Name == "checkout" {
			own = append(own, f)
		}
	}
	if len(own) < 10 {
		t.Fatalf("the CLI gives the Rollout %d findings, want every workload rule's", len(own))
	}
	wantDeny, wantWarn := cliVerdict(own)
	env := rules.ResolveEnvironment("", "shop", "testdata/workloads/rollout/rollout.yaml")
	h, _ := handlerWith(t, engine, &cluster{labels: map[string]map[string]string{"shop": {EnvironmentLabel: env}}}, Config{Workloads: []config.Workload{rollout}})
	resp := h.Handle(context.Background(), rolloutRequest("v1alpha1", admissionv1.Create, fixture(t, "testdata/workloads/rollout/rollout.yaml", 0)))
	if resp.Allowed || resp.Result == nil {
		t.Fatalf("Rollout allowed: %+v", resp)
	}
	gotDeny := strings.Split(resp.Result.Message, "\n")[1:]
	for _, pair := range [][2][]string{{wantDeny, gotDeny}, {fitWarnings(wantWarn), resp.Warnings}} {
		want, got := slices.Clone(pair[0]), slices.Clone(pair[1])
		slices.Sort(want)
		slices.Sort(got)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("CLI:\n%s\nwebhook:\n%s", strings.Join(want, "\n"), strings.Join(got, "\n"))
		}
	}
}

func TestConfiguredWorkloadReview(t *testing.T) {
	engine := compile(t)
	noncompliant := fixture(t, "testdata/workloads/rollout/rollout.yaml", 0)
	// The compliant Deployment's pod template, in a Rollout.
	good := strings.Replace(string(fixture(t, compliant, 0)), `"apiVersion":"apps/v1","kind":"Deployment"`, `"apiVersion":"argoproj.io/v1alpha1","kind":"Rollout"`, 1)
	if !strings.Contains(good, "Rollout") {
		t.Fatal("the compliant fixture no longer starts with apiVersion and kind")
	}
	status := rolloutRequest("v1alpha1", admissionv1.Update, noncompliant)
	status.SubResource = "status"
	tests := []struct {
		name      string
		workloads []config.Workload
		req       admission.Request
		allowed   bool
		reason    string
	}{
		{name: "configured kind denied", workloads: []config.Workload{rollout}, req: rolloutRequest("v1alpha1", admissionv1.Create, noncompliant), allowed: false, reason: "[SEC008]"},
		{name: "compliant configured kind allowed", workloads: []config.Workload{rollout}, req: rolloutRequest("v1alpha1", admissionv1.Create, []byte(good)), allowed: true},
		{name: "kind not configured", req: rolloutRequest("v1alpha1", admissionv1.Create, noncompliant), allowed: true, reason: "not judged by slotcheck"},
		{name: "another version of the kind", workloads: []config.Workload{rollout}, req: rolloutRequest("v1", admissionv1.Create, noncompliant), allowed: true, reason: "not judged by slotcheck"},
		{name: "a subresource of the kind", workloads: []config.Workload{rollout}, req: status, allowed: true, reason: "not judged by slotcheck"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _ := handlerWith(t, engine, &cluster{labels: map[string]map[string]string{"shop": {EnvironmentLabel: "production"}}}, Config{Workloads: tt.workloads})
			resp := h.Handle(context.Background(), tt.req)
			if resp.Allowed != tt.allowed {
				t.Fatalf("allowed = %v, want %v: %+v", resp.Allowed, tt.allowed, resp.Result)
			}
			var msg string
			if resp.Result != nil {
				msg = resp.Result.Message
			}
			if !strings.Contains(msg, tt.reason) {
				t.Errorf("message %q lacks %q", msg, tt.reason)
			}
		})
	}
}

// TestHandlerRefusesWorkloadsItKnows: a configuration cannot redefine the
// pod template of a kind the policies judge already.
func TestHandlerRefusesWorkloadsItKnows(t *testing.T) {
	engine := compile(t)
	profiles, err := rules.BuiltinProfiles()
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Workloads: []config.Workload{rollout, {APIVersion: "example.com/v1", Kind: "Deployment", PodTemplate: config.FieldPath{"spec", "template"}}}}
	_, err = NewHandler(engine, profiles, &cluster{}, cfg, m, logr.Discard())
	if err == nil || !strings.Contains(err.Error(), "workloads[1]: Deployment is a workload kind slotcheck judges already") {
		t.Errorf("NewHandler = %v, want the Deployment refused", err)
	}
}

// TestConfigurationFileWorkloads: the workload kinds of the webhook's
// configuration file are reviewed and judged like Config.Workloads, and a
// file that names a kind the policies know is refused.
func TestConfigurationFileWorkloads(t *testing.T) {
	engine := compile(t)
	write := func(src string) string {
		path := filepath.Join(t.TempDir(), "config.yaml")
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	opts := ConfigSourceOptions{WorkloadKinds: engine.WorkloadKinds()}

	opts.Path = write("version: 1\nworkloads:\n- {apiVersion: argoproj.io/v1alpha1, kind: Rollout, podTemplate: spec.template}\n")
	src, err := NewConfigSource(opts, prometheus.NewRegistry(), logr.Discard())
	if err != nil {
		t.Fatal(err)
	}
	h, _ := handlerWith(t, engine, &cluster{labels: map[string]map[string]string{"shop": {EnvironmentLabel: "production"}}}, Config{Configuration: src})
	resp := h.Handle(context.Background(), rolloutRequest("v1alpha1", admissionv1.Create, fixture(t, "testdata/workloads/rollout/rollout.yaml", 0)))
	if resp.Allowed || resp.Result == nil || !strings.Contains(resp.Result.Message, "[SEC008]") {
		t.Errorf("a Rollout the configuration file names: %+v, want it denied with SEC008", resp.Result)
	}

	opts.Path = write("version: 1\nworkloads:\n- {apiVersion: apps/v1, kind: Deployment, podTemplate: spec.other}\n")
	_, err = NewConfigSource(opts, prometheus.NewRegistry(), logr.Discard())
	if err == nil || !strings.Contains(err.Error(), "config.yaml:3:31: workloads[0]: Deployment is a workload kind slotcheck judges already") {
		t.Errorf("NewConfigSource = %v, want the Deployment refused at its line", err)
	}
}
