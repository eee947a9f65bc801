//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/slotwise/slotcheck/internal/source"
)

// testChartDryRun renders the webhook's own chart as slotcheck renders it
// and creates every object with server-side dry-run, so the API server of
// this Kubernetes version validates each one. cert-manager's kinds are not
// served by a bare API server: the variant that brings its own certificate
// has none and is validated whole.
func testChartDryRun(t *testing.T, s *suite) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	chart := filepath.Join(root, "charts", "slotcheck-webhook")
	const ns = "slotcheck-system"
	s.namespace(t, ns, nil)
	for _, tt := range []struct {
		name       string
		helm       source.HelmOptions
		notServed  []string
		minObjects int
	}{
		{"default values", source.HelmOptions{Namespace: ns, ReleaseName: "slotcheck"}, []string{"Certificate", "Issuer"}, 10},
		{"production values", source.HelmOptions{Namespace: ns, ReleaseName: "slotcheck", ValuesFiles: []string{filepath.Join(chart, "values-production.yaml")}}, []string{"Certificate", "Issuer"}, 10},
		{"own certificate", source.HelmOptions{Namespace: ns, ReleaseName: "slotcheck", Set: []string{
			"certificates.certManager.enabled=false", "certificates.existingSecret=slotcheck-tls", "certificates.caBundle=" + caBundle,
		}}, nil, 9},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := source.Load([]string{chart}, source.Options{WorkDir: root, Helm: tt.helm})
			if len(res.Errors) > 0 || len(res.Objects) < tt.minObjects {
				t.Fatalf("render: %d objects, errors %v", len(res.Objects), res.Errors)
			}
			var notServed []string
			for _, o := range res.Objects {
				raw, err := ast.JSON(o.Value)
				if err != nil {
					t.Fatal(err)
				}
				obj := &unstructured.Unstructured{Object: raw.(map[string]any)}
				gvk := obj.GroupVersionKind()
				if _, err := s.client.RESTMapper().RESTMapping(schema.GroupKind{Group: gvk.Group, Kind: gvk.Kind}, gvk.Version); meta.IsNoMatchError(err) {
					notServed = append(notServed, gvk.Kind)
					continue
				}
				if err := s.client.Create(context.Background(), obj, client.DryRunAll); err != nil {
					t.Errorf("%s %s/%s from %s: %v", gvk, obj.GetNamespace(), obj.GetName(), o.File, err)
				}
			}
			slices.Sort(notServed)
			if !slices.Equal(notServed, tt.notServed) {
				t.Errorf("kinds this API server does not serve: %v, want only %v (cert-manager's)", notServed, tt.notServed)
			}
		})
	}
}

// caBundle is a PEM certificate, base64-encoded as a caBundle field takes it.
const caBundle = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJlakNDQVIrZ0F3SUJBZ0lVS0VTM2hYM2hYM2hYM2hYM2hYM2hYM2hYM2hYM3dDZ1lJS29aSXpqMEVBd0l3RWpFUU1BNEcKQTFVRUF3d0hkR1Z6ZEMxallUQWVGdzB5TmpBeE1ERXdNREF3TURCYUZ3MHpOakF4TURFd01EQXdNREJhTUJJeApFREFPQmdOVkJBTU1CM1JsYzNRdFkyRXdXVEFUQmdjcWhrak9QUUlCQmdncWhrak9QUU1CQndOQ0FBUi8KLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo="

// useChartNamespaceSelector sets the installed webhook configuration's
// namespaceSelector to the one the chart renders for a release in release
// with extra excluded as well, and returns the namespaces it leaves out.
func (s *suite) useChartNamespaceSelector(t *testing.T, release, extra string) []string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	chart := filepath.Join(root, "charts", "slotcheck-webhook")
	res := source.Load([]string{chart}, source.Options{WorkDir: root, Helm: source.HelmOptions{
		Namespace: release, ReleaseName: "slotcheck", Set: []string{"excludedNamespaces={kube-system,kube-node-lease," + extra + "}"},
	}})
	if len(res.Errors) > 0 {
		t.Fatalf("render the chart: %v", res.Errors)
	}
	var rendered *admissionregistrationv1.ValidatingWebhookConfiguration
	for _, o := range res.Objects {
		if o.Kind != "ValidatingWebhookConfiguration" {
			continue
		}
		raw, err := ast.JSON(o.Value)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(raw)
		if err != nil {
			t.Fatal(err)
		}
		rendered = &admissionregistrationv1.ValidatingWebhookConfiguration{}
		if err := json.Unmarshal(b, rendered); err != nil {
			t.Fatalf("%s: %v", o.File, err)
		}
	}
	if rendered == nil || len(rendered.Webhooks) != 1 || rendered.Webhooks[0].NamespaceSelector == nil {
		t.Fatalf("the chart renders no ValidatingWebhookConfiguration with one webhook and a namespaceSelector: %+v", rendered)
	}
	selector := rendered.Webhooks[0].NamespaceSelector
	var cfg admissionregistrationv1.ValidatingWebhookConfiguration
	if err := s.client.Get(t.Context(), client.ObjectKey{Name: "slotcheck"}, &cfg); err != nil {
		t.Fatalf("get the webhook configuration: %v", err)
	}
	patch := client.MergeFrom(cfg.DeepCopy())
	cfg.Webhooks[0].NamespaceSelector = selector
	if err := s.client.Patch(t.Context(), &cfg, patch); err != nil {
		t.Fatalf("set the chart's namespaceSelector: %v", err)
	}
	var excluded []string
	for _, r := range selector.MatchExpressions {
		if r.Key == corev1.LabelMetadataName && r.Operator == metav1.LabelSelectorOpNotIn {
			excluded = append(excluded, r.Values...)
		}
	}
	return excluded
}
