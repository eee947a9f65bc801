package background

import (
	"context"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	openreportsv1alpha1 "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
	"github.com/prometheus/client_golang/prometheus"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	discoveryfake "k8s.io/client-go/discovery/fake"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	clienttesting "k8s.io/client-go/testing"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/yaml"

	"github.com/slotwise/slotcheck/internal/audit"
	"github.com/slotwise/slotcheck/internal/config"
	"github.com/slotwise/slotcheck/internal/openreport"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/policies"
)

// shop is a production namespace with one Deployment whose image tag
// IMG002 finds mutable and whose annotation exempts SEC006.
const shop = `
apiVersion: v1
kind: Namespace
metadata: {name: shop-prod}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop-prod
  uid: d1
  annotations:
    slotcheck.slotwise.com/exempt-SEC006: "team says fine"
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: "nginx:build-7"}]
`

// fakeCluster serves the objects of docs to the audit's clients.
func fakeCluster(t *testing.T, docs string) audit.Cluster {
	t.Helper()
	served := map[string][]metav1.APIResource{
		"v1":      {{Name: "namespaces", Kind: "Namespace"}},
		"apps/v1": {{Name: "deployments", Kind: "Deployment", Namespaced: true}},
	}
	listKinds := map[schema.GroupVersionResource]string{}
	var lists []*metav1.APIResourceList
	for gv, rs := range served {
		lists = append(lists, &metav1.APIResourceList{GroupVersion: gv, APIResources: rs})
		for _, r := range rs {
			listKinds[schema.FromAPIVersionAndKind(gv, r.Kind).GroupVersion().WithResource(r.Name)] = r.Kind + "List"
		}
	}
	var objs []runtime.Object
	for _, doc := range strings.Split(docs, "\n---\n") {
		u := &unstructured.Unstructured{}
		if err := yaml.Unmarshal([]byte(doc), &u.Object); err != nil {
			t.Fatal(err)
		}
		objs = append(objs, u)
	}
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), listKinds, objs...)
	return audit.Cluster{Dynamic: dyn, Discovery: &discoveryfake.FakeDiscovery{Fake: &clienttesting.Fake{Resources: lists}}}
}

// newAuditor is a background audit of docs publishing to a fake client.
func newAuditor(t *testing.T, docs string) *Auditor {
	t.Helper()
	engine, err := rules.New(context.Background(), policies.FS())
	if err != nil {
		t.Fatal(err)
	}
	profiles, err := rules.BuiltinProfiles()
	if err != nil {
		t.Fatal(err)
	}
	scheme := runtime.NewScheme()
	if err := openreportsv1alpha1.Install(scheme); err != nil {
		t.Fatal(err)
	}
	return &Auditor{
		Engine: engine, Profiles: profiles, Cluster: fakeCluster(t, docs),
		Publisher: &openreport.Publisher{Client: fake.NewClientBuilder().WithScheme(scheme).Build()},
		Metrics:   NewMetrics(prometheus.NewRegistry()), Log: logr.Discard(),
	}
}

// results are a namespace's Report's results by rule: result/severity.
func results(t *testing.T, a *Auditor, namespace string) map[string]string {
	t.Helper()
	r := &openreportsv1alpha1.Report{}
	if err := a.Publisher.Client.Get(context.Background(), types.NamespacedName{Namespace: namespace, Name: openreport.Name}, r); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, res := range r.Results {
		out[res.Policy] = string(res.Result) + "/" + string(res.Severity)
	}
	return out
}

// TestPassAppliesConfiguration: each pass judges with the configuration
// in force when it starts and with the webhook's exemption mode, and an
// exempted finding is a skip result, as an annotation's is.
func TestPassAppliesConfiguration(t *testing.T) {
	for _, tc := range []struct {
		name              string
		config            string
		ignoreAnnotations bool
		want              map[string]string // by rule; "" for no result
	}{
		{name: "no configuration", want: map[string]string{"IMG002": "fail/high", "SEC006": "skip/high", "SEC001": "fail/high"}},
		{name: "config exemption", config: "version: 1\nexemptions:\n- rules: [IMG002]\n  reason: vendor tags\n  namespaces: ['shop-*']\n",
			want: map[string]string{"IMG002": "skip/high"}},
		{name: "disabled rule", config: "version: 1\nrules:\n  IMG002: {disabled: true}\n", want: map[string]string{"IMG002": ""}},
		{name: "severity override", config: "version: 1\nrules:\n  SEC001:\n    environmentSeverity: {production: warning}\n",
			want: map[string]string{"SEC001": "warn/medium"}},
		{name: "config mode ignores the annotation", ignoreAnnotations: true, want: map[string]string{"SEC006": "fail/high"}},
		{name: "config mode keeps the file's exemptions", ignoreAnnotations: true,
			config: "version: 1\nexemptions:\n- rules: [SEC006]\n  reason: platform says fine\n", want: map[string]string{"SEC006": "skip/high"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newAuditor(t, shop)
			a.IgnoreAnnotations = tc.ignoreAnnotations
			if tc.config != "" {
				f, errs := config.Parse([]byte(tc.config), "config.yaml")
				if len(errs) > 0 {
					t.Fatal(errs)
				}
				conf := scan.NewConfiguration(f)
				a.Configuration = func() *scan.Configuration { return conf }
			}
			if _, err := a.Pass(context.Background()); err != nil {
				t.Fatal(err)
			}
			got := results(t, a, "shop-prod")
			for rule, want := range tc.want {
				if got[rule] != want {
					t.Errorf("%s: %q, want %q", rule, got[rule], want)
				}
			}
		})
	}
}

// TestPassReadsConfigurationEachPass: a configuration reloaded between two
// passes is the one the second pass judges with.
func TestPassReadsConfigurationEachPass(t *testing.T) {
	a := newAuditor(t, shop)
	var conf *scan.Configuration
	a.Configuration = func() *scan.Configuration { return conf }
	if _, err := a.Pass(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := results(t, a, "shop-prod")["IMG002"]; got != "fail/high" {
		t.Fatalf("first pass: IMG002 %q, want fail/high", got)
	}
	f, errs := config.Parse([]byte("version: 1\nexemptions:\n- rules: [IMG002]\n  reason: vendor tags\n"), "config.yaml")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	conf = scan.NewConfiguration(f)
	if _, err := a.Pass(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := results(t, a, "shop-prod")["IMG002"]; got != "skip/high" {
		t.Errorf("second pass: IMG002 %q, want skip/high", got)
	}
}

// TestPassListsEachKindOnce: a pass lists each kind once for the whole
// cluster, not once per namespace: at the audit client's rate limit, a
// hundred namespaces listed one by one took minutes. Each namespace still
// gets its own Report, and an excluded one none.
func TestPassListsEachKindOnce(t *testing.T) {
	var docs []string
	namespaces := []string{"a-prod", "b-prod", "c-prod"}
	for _, ns := range namespaces {
		docs = append(docs, strings.ReplaceAll(shop, "shop-prod", ns))
	}
	a := newAuditor(t, strings.Join(docs, "\n---\n"))
	a.Excluded = []string{"b-prod"}
	res, err := a.Pass(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var lists []string
	for _, action := range a.Cluster.Dynamic.(*dynamicfake.FakeDynamicClient).Actions() {
		if action.GetVerb() == "list" && action.GetResource().Resource == "deployments" {
			lists = append(lists, "namespace "+action.GetNamespace())
		}
	}
	if len(lists) != 1 || lists[0] != "namespace " {
		t.Errorf("LISTs of deployments: %q, want one for the whole cluster", lists)
	}
	if res.Namespaces != 2 || res.Objects != 2 {
		t.Errorf("audited %d namespaces, %d objects: want 2 and 2", res.Namespaces, res.Objects)
	}
	for ns, want := range map[string]bool{"a-prod": true, "b-prod": false, "c-prod": true} {
		r := &openreportsv1alpha1.Report{}
		err := a.Publisher.Client.Get(context.Background(), types.NamespacedName{Namespace: ns, Name: openreport.Name}, r)
		if got := err == nil; got != want {
			t.Errorf("%s has a Report: %t, want %t (%v)", ns, got, want, err)
		}
	}
}
