//go:build e2e

package e2e

import (
	"context"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/slotwise/slotcheck/internal/admission"
	"github.com/slotwise/slotcheck/internal/config"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
)

// The company's own workload kind (testdata/workloads/custom): its CRD, the
// configuration naming it, a WebApp that breaks the container rules and
// one written to the standard.
const (
	customDir       = "testdata/workloads/custom"
	customCRD       = customDir + "/crd.yaml"
	customConfig    = customDir + "/.slotcheck.yaml"
	customWebApp    = customDir + "/webapp.yaml"
	customCompliant = customDir + "/compliant.yaml"
)

// withWorkloads configures the webhook's handler with extra workload kinds.
func withWorkloads(ws []config.Workload) func(*testing.T, *suite, manager.Manager, *admission.Config) {
	return func(_ *testing.T, _ *suite, _ manager.Manager, cfg *admission.Config) { cfg.Workloads = ws }
}

// TestCustomWorkload: with a custom resource's kind configured as a
// workload and registered in the webhook configuration, the API server
// denies a noncompliant object of it with the rule ids the CLI gives its
// manifest, and admits a compliant one.
func TestCustomWorkload(t *testing.T) {
	cfg, errs := config.Load(filepath.Join("..", "..", customConfig), customConfig)
	if len(errs) > 0 {
		t.Fatalf("configuration: %v", errs)
	}
	s := newSuite(t, withWorkloads(cfg.Workloads))
	s.installCRD(t, customCRD)
	s.sendResource(t, "platform.example.com", "v1", "webapps")

	const ns = "e2e-custom"
	s.namespace(t, ns, map[string]string{rules.EnvironmentLabel: "production"})
	deny, warn := cliVerdictIDs(t, s.engine, customWebApp)
	if len(deny) < 5 {
		t.Fatalf("the CLI denies the WebApp for %v, want the container rules", deny)
	}

	webapp := unstructuredObjects(t, customWebApp, ns)[0]
	// The API server applies a changed webhook configuration a moment
	// later: until it does, the WebApp is created without review.
	eventually(t, "the webhook reviewing WebApps", func(ctx context.Context) (bool, error) {
		err := s.client.Create(ctx, webapp.DeepCopy(), client.DryRunAll)
		return err != nil && apierrors.IsForbidden(err), nil
	})
	r := s.create(t, webapp)
	msg := mustDeny(t, r, deny...)
	if got := ruleIDs(msg); !slices.Equal(got, deny) {
		t.Errorf("the webhook denies the WebApp for %v, the CLI for %v:\n%s", got, deny, msg)
	}
	mustWarn(t, r, bracketed(warn)...)
	err := s.client.Get(t.Context(), client.ObjectKeyFromObject(webapp), webapp.DeepCopy())
	if !apierrors.IsNotFound(err) {
		t.Errorf("the denied WebApp was stored: %v", err)
	}

	mustAllow(t, s.create(t, unstructuredObjects(t, customCompliant, ns)[0]))
}

// installCRD creates the CustomResourceDefinition of a testdata file and
// waits until the API server serves its kind.
func (s *suite) installCRD(t *testing.T, file string) {
	t.Helper()
	crd := unstructuredObjects(t, file, "")[0]
	if err := s.client.Create(t.Context(), crd); err != nil {
		t.Fatalf("create %s: %v", crd.GetName(), err)
	}
	eventually(t, "CustomResourceDefinition "+crd.GetName()+" established", func(ctx context.Context) (bool, error) {
		got := &unstructured.Unstructured{}
		got.SetGroupVersionKind(crd.GroupVersionKind())
		if err := s.client.Get(ctx, client.ObjectKeyFromObject(crd), got); err != nil {
			return false, err
		}
		conditions, _, _ := unstructured.NestedSlice(got.Object, "status", "conditions")
		return slices.ContainsFunc(conditions, func(c any) bool {
			m, _ := c.(map[string]any)
			return m["type"] == "Established" && m["status"] == "True"
		}), nil
	})
}

// sendResource adds a resource to what the webhook configuration sends the
// webhook, as the chart's workloads value does.
func (s *suite) sendResource(t *testing.T, group, version, resource string) {
	t.Helper()
	var cfg admissionregistrationv1.ValidatingWebhookConfiguration
	if err := s.client.Get(t.Context(), client.ObjectKey{Name: "slotcheck"}, &cfg); err != nil {
		t.Fatalf("get the webhook configuration: %v", err)
	}
	patch := client.MergeFrom(cfg.DeepCopy())
	scope := admissionregistrationv1.NamespacedScope
	cfg.Webhooks[0].Rules = append(cfg.Webhooks[0].Rules, admissionregistrationv1.RuleWithOperations{
		Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update},
		Rule:       admissionregistrationv1.Rule{APIGroups: []string{group}, APIVersions: []string{version}, Resources: []string{resource}, Scope: &scope},
	})
	if err := s.client.Patch(t.Context(), &cfg, patch); err != nil {
		t.Fatalf("send %s.%s to the webhook: %v", resource, group, err)
	}
}

// cliVerdictIDs scans a testdata file as the CLI does in production (its
// configuration found beside it) and returns, sorted, the rule ids the
// webhook should deny it for (errors of admission rules that read no other
// object) and warn of (the other admission rules).
func cliVerdictIDs(t *testing.T, engine *rules.Engine, file string) (deny, warn []string) {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := scan.Run(t.Context(), engine, scan.Options{Paths: []string{filepath.Join(root, file)}, WorkDir: root, Environment: "production"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) > 0 {
		t.Fatalf("the CLI reports input errors: %v", rep.Errors)
	}
	denied, warned := map[string]bool{}, map[string]bool{}
	for f := range rep.All() {
		switch {
		case !f.Rule.Admission || f.Suppressed || f.Severity == rules.SeverityNote:
		case f.Severity == rules.SeverityError && !f.Rule.CrossObject:
			denied[f.Rule.ID] = true
		default:
			warned[f.Rule.ID] = true
		}
	}
	return slices.Sorted(maps.Keys(denied)), slices.Sorted(maps.Keys(warned))
}

// ruleID is a rule id as a denial brackets it.
var ruleID = regexp.MustCompile(`\[([A-Z]+[0-9]+)\]`)

// ruleIDs are the rule ids a denial names, sorted, each once.
func ruleIDs(msg string) []string {
	var ids []string
	for _, m := range ruleID.FindAllStringSubmatch(msg, -1) {
		ids = append(ids, m[1])
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// bracketed writes each id as a denial or warning does: [ID].
func bracketed(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, "["+id+"]")
	}
	return out
}
