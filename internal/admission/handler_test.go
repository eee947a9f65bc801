package admission

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
	"sigs.k8s.io/yaml"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/internal/source"
	"github.com/slotwise/slotcheck/policies"
)

// cluster is a Cluster over fixed namespaces and inventories, standing in
// for the informer caches in unit tests (the e2e suite uses real ones).
type cluster struct {
	labels    map[string]map[string]string
	inventory *rules.Inventory
	err       error
}

func (c *cluster) NamespaceLabels(_ context.Context, name string) (map[string]string, error) {
	return c.labels[name], c.err
}

func (c *cluster) Inventory(_ context.Context, namespace string) (ast.Value, error) {
	return c.inventory.Value(namespace), c.err
}

func repo(t testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

func newHandler(t testing.TB, c *cluster, cfg Config) (*Handler, *Metrics) {
	t.Helper()
	return handlerWith(t, compile(t), c, cfg)
}

// builtinEngine is the engine of the built-in policies, compiled once for
// all the package's tests and benchmarks: the webhook too shares one
// engine between all its requests, and under the race detector a
// compilation takes a minute on a loaded machine (a few seconds without).
var builtinEngine = sync.OnceValues(func() (*rules.Engine, error) {
	return rules.New(context.Background(), policies.FS())
})

// compile returns the engine of the built-in policies.
func compile(t testing.TB) *rules.Engine {
	t.Helper()
	engine, err := builtinEngine()
	if err != nil {
		t.Fatal(err)
	}
	return engine
}

// handlerWith returns a handler judging with engine, with fresh metrics.
func handlerWith(t testing.TB, engine *rules.Engine, c *cluster, cfg Config) (*Handler, *Metrics) {
	t.Helper()
	profiles, err := rules.BuiltinProfiles()
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	if c.inventory == nil {
		c.inventory = rules.NewInventory(engine.Reads(true))
	}
	h, err := NewHandler(engine, profiles, c, cfg, m, logr.Discard())
	if err != nil {
		t.Fatal(err)
	}
	return h, m
}

// fixture reads the n-th document of a testdata file as JSON.
func fixture(t *testing.T, file string, n int) []byte {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(repo(t), file))
	if err != nil {
		t.Fatal(err)
	}
	docs := strings.Split(string(src), "\n---\n")
	j, err := yaml.YAMLToJSON([]byte(docs[n]))
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func request(kind, resource, namespace string, op admissionv1.Operation, obj, old []byte) admission.Request {
	r := admission.Request{AdmissionRequest: admissionv1.AdmissionRequest{
		UID:       "uid-1",
		Kind:      metav1.GroupVersionKind{Kind: kind},
		Resource:  metav1.GroupVersionResource{Resource: resource},
		Namespace: namespace,
		Operation: op,
		Object:    kruntime.RawExtension{Raw: obj},
		OldObject: kruntime.RawExtension{Raw: old},
	}}
	return r
}

const compliant = "testdata/examples/compliant/deployment.yaml"

func TestVerdicts(t *testing.T) {
	legacy := fixture(t, "testdata/examples/violations/workload.yaml", 0)
	good := fixture(t, compliant, 0)
	worker := fixture(t, "testdata/examples/violations/worker.yaml", 0)
	tests := []struct {
		name     string
		req      admission.Request
		labels   map[string]string
		cfg      Config
		allowed  bool
		code     int32
		contains []string
		warns    []string
	}{
		{"noncompliant Deployment denied with rule ids, fields and fixes",
			request("Deployment", "deployments", "shop", admissionv1.Create, legacy, nil), nil, Config{}, false, 403,
			[]string{"slotcheck denied Deployment/legacy", "[SEC001] container \"app\" may run as root", "(spec.template.spec.containers[0].securityContext.runAsNonRoot, container app) fix: Set spec.securityContext.runAsNonRoot: true", "docs/rules.md#sec001", "[SEC008]"}, nil},
		{"compliant Deployment allowed", request("Deployment", "deployments", "slotwise", admissionv1.Create, good, nil), nil, Config{}, true, 200, nil, nil},
		{"warnings go back to kubectl", request("StatefulSet", "statefulsets", "jobs", admissionv1.Create, worker, nil), nil, Config{}, false, 403,
			[]string{"[RES003]"}, []string{"[IMG003]", "[PRB003]"}},
		{"cross-object rules warn by default", request("StatefulSet", "statefulsets", "jobs", admissionv1.Create, worker, nil), nil, Config{}, false, 403,
			nil, []string{"[NET001]"}},
		{"cross-object rules deny when asked", request("StatefulSet", "statefulsets", "jobs", admissionv1.Create, worker, nil), nil, Config{DenyCrossObject: true}, false, 403,
			[]string{"[NET001]", "[RES003]"}, nil},
		{"warn mode allows with the errors as warnings", request("Deployment", "deployments", "shop", admissionv1.Create, legacy, nil), map[string]string{ModeLabel: "warn"}, Config{}, true, 200,
			nil, []string{"[SEC001]"}},
		{"audit mode allows silently", request("Deployment", "deployments", "shop", admissionv1.Create, legacy, nil), nil, Config{Mode: ModeAudit}, true, 200, nil, nil},
		{"excluded namespace", request("Deployment", "deployments", "kube-system", admissionv1.Create, legacy, nil), nil, Config{ExcludedNamespaces: []string{"kube-system"}}, true, 200, nil, nil},
		{"DELETE untouched", request("Deployment", "deployments", "shop", admissionv1.Delete, nil, legacy), nil, Config{}, true, 200, nil, nil},
		{"other subresources untouched", func() admission.Request {
			r := request("Deployment", "deployments", "shop", admissionv1.Update, legacy, legacy)
			r.SubResource = "status"
			return r
		}(), nil, Config{}, true, 200, nil, nil},
		{"ratcheting: an update keeps old violations as warnings", request("Deployment", "deployments", "shop", admissionv1.Update, legacy, legacy), nil, Config{}, true, 200,
			nil, []string{"pre-existing, not denied on update: [SEC001]"}},
		{"ratcheting denies what the update introduces", request("Deployment", "deployments", "slotwise", admissionv1.Update,
			[]byte(strings.Replace(string(good), `"image":"slotwise/auth-service:v1.2.3"`, `"image":"slotwise/auth-service:latest"`, 1)), good), nil, Config{}, false, 403,
			[]string{"[IMG001]"}, nil},
		{"garbage object", request("Pod", "pods", "shop", admissionv1.Create, []byte("{not json"), nil), nil, Config{}, false, 400, []string{"object"}, nil},
		{"environment label: development relaxes staging/production rules", request("Deployment", "deployments", "shop", admissionv1.Create, legacy, nil),
			map[string]string{EnvironmentLabel: "development"}, Config{}, false, 403, []string{"[SEC001]"}, nil},
	}
	engine := compile(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _ := handlerWith(t, engine, &cluster{labels: map[string]map[string]string{tt.req.Namespace: tt.labels}}, tt.cfg)
			resp := h.Handle(context.Background(), tt.req)
			if resp.Allowed != tt.allowed {
				t.Fatalf("allowed = %v, want %v: %+v", resp.Allowed, tt.allowed, resp.Result)
			}
			code := int32(200)
			msg := ""
			if resp.Result != nil {
				code, msg = resp.Result.Code, resp.Result.Message
			}
			if code != tt.code {
				t.Errorf("code %d, want %d (%s)", code, tt.code, msg)
			}
			for _, want := range tt.contains {
				if !strings.Contains(msg, want) {
					t.Errorf("message lacks %q:\n%s", want, msg)
				}
			}
			for _, want := range tt.warns {
				if !slices.ContainsFunc(resp.Warnings, func(w string) bool { return strings.Contains(w, want) }) {
					t.Errorf("warnings lack %q: %q", want, resp.Warnings)
				}
			}
			if tt.name == "audit mode allows silently" && len(resp.Warnings) != 0 {
				t.Errorf("audit mode warned: %q", resp.Warnings)
			}
			if strings.HasPrefix(tt.name, "environment label") && strings.Contains(msg, "[AVL001]") {
				t.Errorf("AVL001 (staging, production) applied in development:\n%s", msg)
			}
		})
	}
}

func TestOwnedPodNamesItsOwner(t *testing.T) {
	pod := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-abc","namespace":"shop","ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-6d4","uid":"1","controller":true}]},"spec":{"containers":[{"name":"c","image":"nginx"}]}}`
	h, _ := newHandler(t, &cluster{}, Config{})
	resp := h.Handle(context.Background(), request("Pod", "pods", "shop", admissionv1.Create, []byte(pod), nil))
	if resp.Allowed || !strings.Contains(resp.Result.Message, "Pod/web-abc (owned by ReplicaSet/web-6d4: fix the ReplicaSet)") {
		t.Fatalf("%+v", resp.Result)
	}
}

func TestExemptObject(t *testing.T) {
	h, _ := newHandler(t, &cluster{}, Config{})
	resp := h.Handle(context.Background(), request("DaemonSet", "daemonsets", "monitoring", admissionv1.Create, fixture(t, "testdata/examples/inputs/exempt.yaml", 0), nil))
	if resp.Result == nil || strings.Contains(resp.Result.Message, "[SEC008]") || !strings.Contains(resp.Result.Message, "[EXM001]") {
		t.Fatalf("SEC008 is exempt, EXM001 (blank exemption) denies: %+v", resp.Result)
	}
}

// TestExemptionExpiry: an exemption annotation past its expiry date
// suppresses nothing and is itself denied (EXM003); before it, it exempts.
func TestExemptionExpiry(t *testing.T) {
	obj := func(expires string) []byte {
		return []byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"debug","namespace":"shop","annotations":{` +
			`"slotcheck.slotwise.com/exempt-SEC008":"node debugging, SLOT-7","slotcheck.slotwise.com/exempt-SEC008-expires":"` + expires + `"}},` +
			`"spec":{"hostNetwork":true,"containers":[{"name":"c","image":"nginx:v1.2.3"}]}}`)
	}
	now := func() time.Time { return time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC) }
	h, _ := newHandler(t, &cluster{}, Config{Now: now})
	for _, tc := range []struct {
		expires            string
		sec008, expiredDen bool
	}{
		{expires: "2026-12-31"},
		{expires: "2026-12-06", sec008: true, expiredDen: true},
	} {
		resp := h.Handle(context.Background(), request("Pod", "pods", "shop", admissionv1.Create, obj(tc.expires), nil))
		msg := ""
		if resp.Result != nil {
			msg = resp.Result.Message
		}
		if strings.Contains(msg, "[SEC008]") != tc.sec008 || strings.Contains(msg, "[EXM003]") != tc.expiredDen {
			t.Errorf("expires %s: SEC008 denied %v, EXM003 denied %v; want %v, %v: %s", tc.expires, strings.Contains(msg, "[SEC008]"), strings.Contains(msg, "[EXM003]"), tc.sec008, tc.expiredDen, msg)
		}
	}
}

// TestFailures shows that what cannot be judged is never silently allowed.
func TestFailures(t *testing.T) {
	legacy := fixture(t, "testdata/examples/violations/workload.yaml", 0)
	boom := errors.New("informer not synced")
	engine := compile(t)
	for _, tt := range []struct {
		name    string
		cfg     Config
		allowed bool
	}{{"fails closed by default", Config{}, false}, {"fails open when asked, with a warning", Config{FailOpen: true}, true}} {
		t.Run(tt.name, func(t *testing.T) {
			h, m := handlerWith(t, engine, &cluster{err: boom}, tt.cfg)
			resp := h.Handle(context.Background(), request("Deployment", "deployments", "shop", admissionv1.Create, legacy, nil))
			if resp.Allowed != tt.allowed {
				t.Fatalf("allowed %v: %+v", resp.Allowed, resp.Result)
			}
			text := strings.Join(resp.Warnings, " ")
			if resp.Result != nil {
				text += resp.Result.Message
			}
			if !strings.Contains(text, "could not evaluate its policies: namespace shop: informer not synced") {
				t.Errorf("the failure is not explained: %q", text)
			}
			if got := testutil.ToFloat64(m.evalErrors); got != 1 {
				t.Errorf("evaluation errors counted %v", got)
			}
		})
	}
}

func TestDeadline(t *testing.T) {
	h, _ := newHandler(t, &cluster{}, Config{Timeout: time.Nanosecond})
	resp := h.Handle(context.Background(), request("Deployment", "deployments", "shop", admissionv1.Create, fixture(t, compliant, 0), nil))
	if resp.Allowed {
		t.Fatalf("a judgement cut by its deadline was allowed: %+v", resp)
	}
}

func TestWarningBudget(t *testing.T) {
	var lines []string
	for i := range 40 {
		lines = append(lines, fmt.Sprintf("[SEC%03d] %s (spec.field) fix: do this. See https://example.com", i, strings.Repeat("x", 300)))
	}
	got := fitWarnings(lines)
	total := 0
	for _, l := range got[:len(got)-1] {
		total += len(l)
		if len(l) > warningMaxLine || strings.Contains(l, " fix: ") {
			t.Errorf("warning not shortened: %q", l)
		}
	}
	last := got[len(got)-1]
	if total+len(last) > warningBudget || !strings.HasPrefix(last, fmt.Sprintf("and %d more finding(s)", 40-(len(got)-1))) {
		t.Errorf("%d warnings, %d bytes, last %q", len(got), total+len(last), last)
	}
	if short := fitWarnings([]string{"[A] m (f) fix: x"}); len(short) != 1 || short[0] != "[A] m (f)" {
		t.Errorf("fitWarnings(one) = %q", short)
	}
}

func TestMetrics(t *testing.T) {
	h, m := newHandler(t, &cluster{}, Config{})
	h.Handle(context.Background(), request("Deployment", "deployments", "shop", admissionv1.Create, fixture(t, "testdata/examples/violations/workload.yaml", 0), nil))
	if got := testutil.ToFloat64(m.requests.WithLabelValues("Deployment", "CREATE", "denied")); got != 1 {
		t.Errorf("denied requests %v", got)
	}
	if got := testutil.ToFloat64(m.findings.WithLabelValues("SEC001", "deny")); got != 1 {
		t.Errorf("SEC001 denials %v", got)
	}
}

// TestParity runs every Kubernetes fixture of testdata/examples through the
// CLI's scan and through the handler, with the same inventory, and requires
// the same rule ids, severities and messages (less the rules admission does
// not evaluate, and notes, which admission does not return).
func TestParity(t *testing.T) {
	root := repo(t)
	engine := compile(t)
	dir := filepath.Join(root, "testdata", "examples")
	rep, err := scan.Run(context.Background(), engine, scan.Options{Paths: []string{dir}, WorkDir: root})
	if err != nil {
		t.Fatal(err)
	}
	res := source.Load([]string{dir}, source.Options{WorkDir: root})
	inv := rules.NewInventory(engine.Reads(false))
	for _, o := range res.Objects {
		inv.Add(o.Kind, o.Namespace, o.Value)
	}
	n := 0
	for _, o := range res.Objects {
		if !reviewed(strings.ToLower(o.Kind)+"s", "") || o.Namespace == "" {
			continue
		}
		n++
		// The namespace tells the webhook the environment the CLI found.
		env := rules.ResolveEnvironment("", o.Namespace, o.File)
		h, _ := handlerWith(t, engine, &cluster{inventory: inv, labels: map[string]map[string]string{o.Namespace: {EnvironmentLabel: env}}}, Config{})
		var own []scan.Finding
		for f := range rep.All() {
			if f.File == o.File && f.Kind == o.Kind && f.Name == o.Name {
				own = append(own, f)
			}
		}
		wantDeny, wantWarn := cliVerdict(own)
		raw, _ := ast.JSON(o.Value)
		j, _ := yaml.Marshal(raw)
		body, _ := yaml.YAMLToJSON(j)
		resp := h.Handle(context.Background(), request(o.Kind, strings.ToLower(o.Kind)+"s", o.Namespace, admissionv1.Create, body, nil))
		var gotDeny []string
		if resp.Result != nil && !resp.Allowed {
			gotDeny = strings.Split(resp.Result.Message, "\n")[1:]
		}
		// Warnings are shortened to fit the API server's warning budget.
		for _, pair := range [][2][]string{{wantDeny, gotDeny}, {fitWarnings(wantWarn), resp.Warnings}} {
			want, got := slices.Clone(pair[0]), slices.Clone(pair[1])
			slices.Sort(want)
			slices.Sort(got)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("%s %s/%s:\nCLI:\n%s\nwebhook:\n%s", o.File, o.Kind, o.Name, strings.Join(want, "\n"), strings.Join(got, "\n"))
			}
		}
	}
	if n < 5 {
		t.Fatalf("only %d workloads compared", n)
	}
}

// cliVerdict is what the webhook should answer for the findings the CLI
// gives an object: errors deny, except cross-object ones, which warn like
// warnings; rules admission does not evaluate, suppressed findings and
// notes are left out.
func cliVerdict(findings []scan.Finding) (deny, warn []string) {
	for _, f := range findings {
		if !f.Rule.Admission || f.Suppressed || f.Severity == rules.SeverityNote {
			continue
		}
		if f.Severity == rules.SeverityError && !f.Rule.CrossObject {
			deny = append(deny, denialLine(f))
		} else {
			warn = append(warn, denialLine(f))
		}
	}
	return deny, warn
}
