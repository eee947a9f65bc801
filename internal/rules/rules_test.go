package rules_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/policies"
)

func TestResolveEnvironment(t *testing.T) {
	tests := []struct {
		name, explicit, namespace, file, want string
	}{
		{"explicit wins", "staging", "shop-prod", "k8s/development/a.yaml", "staging"},
		{"namespace -dev", "", "shop-dev", "k8s/production/a.yaml", "development"},
		{"namespace -development", "", "shop-development", "", "development"},
		{"namespace -staging", "", "shop-staging", "", "staging"},
		{"namespace -prod", "", "shop-prod", "", "production"},
		{"namespace bare word", "", "staging", "", "staging"},
		{"namespace without suffix falls to path", "", "shop", "k8s/staging/a.yaml", "staging"},
		{"nearest path segment wins", "", "", "envs/prod/overlays/dev/a.yaml", "development"},
		{"file name is not a folder", "", "", "k8s/staging.yaml", "production"},
		{"word inside a segment does not count", "", "", "k8s/devtools/a.yaml", "production"},
		{"default is production", "", "", "a.yaml", "production"},
		{"windows separators", "", "", `k8s\dev\a.yaml`, "development"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rules.ResolveEnvironment(tt.explicit, tt.namespace, tt.file); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestNamespaceEnvironment(t *testing.T) {
	tests := []struct {
		name, namespace string
		labels          map[string]string
		want, wantErr   string
	}{
		{name: "label wins over the name", namespace: "shop-prod", labels: map[string]string{rules.EnvironmentLabel: "dev"}, want: "development"},
		{name: "name without a label", namespace: "shop-staging", want: "staging"},
		{name: "neither", namespace: "shop", labels: map[string]string{"team": "a"}, want: "production"},
		{name: "bad label", namespace: "shop-dev", labels: map[string]string{rules.EnvironmentLabel: "qa"}, wantErr: "namespace shop-dev label slotcheck.slotwise.com/environment: environment \"qa\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := rules.NamespaceEnvironment(tt.namespace, tt.labels)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %s, %v, want %s", got, err, tt.want)
			}
		})
	}
}

func TestParseEnvironment(t *testing.T) {
	for in, want := range map[string]string{"dev": "development", "Production": "production", " staging ": "staging", "prod": "production"} {
		if got, err := rules.ParseEnvironment(in); err != nil || got != want {
			t.Errorf("ParseEnvironment(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := rules.ParseEnvironment("qa"); err == nil {
		t.Error("qa accepted")
	}
}

func TestProfilesOverride(t *testing.T) {
	p, err := rules.BuiltinProfiles()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "staging.yaml"), []byte("environment: staging\nreplicas: 4\nresources:\n  limits:\n    cpu: 3000m\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	found, err := p.Override(dir)
	if err != nil || !found {
		t.Fatalf("Override: %v, %v", found, err)
	}
	v, err := p.Value("staging")
	if err != nil {
		t.Fatal(err)
	}
	want := `{"autoscaling": {"enabled": true, "maxReplicas": 5, "minReplicas": 2}, "environment": "staging", "replicas": 4, "resources": {"limits": {"cpu": "3000m", "memory": "1Gi"}, "requests": {"cpu": "200m", "memory": "256Mi"}}}`
	if v.String() != want {
		t.Errorf("merged staging profile\n got %s\nwant %s", v, want)
	}

	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "production.yaml"), []byte("environment: staging\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Override(bad); err == nil || !strings.Contains(err.Error(), `want "production"`) {
		t.Errorf("a production.yaml for staging was accepted: %v", err)
	}
}

func engine(t testing.TB) *rules.Engine {
	t.Helper()
	e, err := rules.New(context.Background(), policies.FS())
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func value(t testing.TB, src string) ast.Value {
	t.Helper()
	v, err := ast.ValueFromReader(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

const pod = `{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "ns",
  "annotations": {"slotcheck.slotwise.com/exempt-SEC006": "legacy image; tracked in SLOT-1", "slotcheck.slotwise.com/exempt-SEC005": " "}},
  "spec": {"containers": [{"name": "c", "image": "app:latest"}]}}`

func ids(vs []rules.Violation) map[string]rules.Violation {
	m := map[string]rules.Violation{}
	for _, v := range vs {
		m[v.Rule.ID] = v
	}
	return m
}

func TestEvaluate(t *testing.T) {
	e := engine(t)
	profiles, err := rules.BuiltinProfiles()
	if err != nil {
		t.Fatal(err)
	}
	eval := func(t *testing.T, env string, admission bool, obj string) map[string]rules.Violation {
		t.Helper()
		prof, err := profiles.Value(env)
		if err != nil {
			t.Fatal(err)
		}
		vs, err := e.Evaluate(context.Background(), rules.Input{Domain: "k8s", Object: value(t, obj), Environment: env, Profile: prof, Admission: admission})
		if err != nil {
			t.Fatal(err)
		}
		return ids(vs)
	}
	t.Run("rules apply only in their environments", func(t *testing.T) {
		if _, ok := eval(t, "development", false, pod)["NET001"]; ok {
			t.Error("NET001 evaluated in development")
		}
		if _, ok := eval(t, "production", false, pod)["NET001"]; !ok {
			t.Error("NET001 missing in production")
		}
	})
	t.Run("severity may depend on the environment", func(t *testing.T) {
		if got := eval(t, "development", false, pod)["IMG001"].Severity; got != rules.SeverityWarning {
			t.Errorf("IMG001 in development: %s", got)
		}
		if got := eval(t, "staging", false, pod)["IMG001"].Severity; got != rules.SeverityError {
			t.Errorf("IMG001 in staging: %s", got)
		}
	})
	t.Run("exemption with a reason suppresses, without one it does not", func(t *testing.T) {
		got := eval(t, "production", false, pod)
		if v := got["SEC006"]; !v.Suppressed || v.Reason != "legacy image; tracked in SLOT-1" {
			t.Errorf("SEC006: %+v", v)
		}
		if v := got["SEC005"]; v.Suppressed {
			t.Errorf("SEC005 suppressed by a blank reason: %+v", v)
		}
		if _, ok := got["EXM001"]; !ok {
			t.Error("blank exemption not reported by EXM001")
		}
	})
	t.Run("admission leaves out repository-only rules", func(t *testing.T) {
		secret := `{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "n"}, "stringData": {"password": "hunter2"}}`
		if _, ok := eval(t, "production", false, secret)["SECRET002"]; !ok {
			t.Error("SECRET002 missing in a scan")
		}
		if _, ok := eval(t, "production", true, secret)["SECRET002"]; ok {
			t.Error("SECRET002 evaluated at admission")
		}
	})
	t.Run("violation carries path and container", func(t *testing.T) {
		v := eval(t, "production", false, pod)["SEC001"]
		if v.Container != "c" || len(v.Path) != 5 || v.Path[2] != 0 || v.Path[4] != "runAsNonRoot" {
			t.Errorf("SEC001: %+v", v)
		}
	})
}

func TestRuleLookup(t *testing.T) {
	e := engine(t)
	if r, ok := e.Rule(" sec001 "); !ok || r.ID != "SEC001" || r.Package != "k8s.sec001" || r.File != "k8s/sec001/sec001.rego" {
		t.Errorf("Rule(sec001) = %+v, %v", r, ok)
	}
	if _, ok := e.Rule("NOPE"); ok {
		t.Error("unknown rule found")
	}
}

const ruleTemplate = `# METADATA
# title: T
# description: D
# custom:
#   id: %ID%
#   severity: %SEV%
#   section: S
#   remediation: R
#   environments: [production]
package k8s.%PKG%

deny contains {"msg": "m", "path": ["spec"]} if %BODY%
`

func rule(id, sev, pkg, body string) string {
	return strings.NewReplacer("%ID%", id, "%SEV%", sev, "%PKG%", pkg, "%BODY%", body).Replace(ruleTemplate)
}

// TestEvalErrorIsNeverClean shows that a rule whose built-in fails (here a
// malformed quantity) makes the evaluation an error, not a silent pass.
func TestEvalErrorIsNeverClean(t *testing.T) {
	fsys := fstest.MapFS{"k8s/q/q.rego": {Data: []byte(rule("Q001", "error", "q", "{\n\tunits.parse(input.object.spec.cpu) > 1\n}"))}}
	e, err := rules.New(context.Background(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.Evaluate(context.Background(), rules.Input{Domain: "k8s", Object: value(t, `{"spec": {"cpu": "lots"}}`), Environment: "production"})
	var ee *rules.EvalError
	if !errors.As(err, &ee) || !strings.Contains(ee.Error(), "Q001") {
		t.Fatalf("got %v, want an EvalError naming Q001", err)
	}
	vs, err := e.Evaluate(context.Background(), rules.Input{Domain: "k8s", Object: value(t, `{"spec": {"cpu": "2"}}`), Environment: "production"})
	if err != nil || len(vs) != 1 {
		t.Fatalf("got %v, %v; want one violation", vs, err)
	}
}

// TestViolationObject: a deny element may name another object of the
// inventory that its path lies in; a malformed name fails loudly.
func TestViolationObject(t *testing.T) {
	tests := []struct {
		name    string
		object  string
		want    *rules.ObjectRef
		wantErr string
	}{
		{name: "absent: the target", object: ``},
		{name: "named", object: `, "object": {"kind": "HorizontalPodAutoscaler", "namespace": "shop", "name": "api"}`,
			want: &rules.ObjectRef{Kind: "HorizontalPodAutoscaler", Namespace: "shop", Name: "api"}},
		{name: "namespace left out", object: `, "object": {"kind": "HorizontalPodAutoscaler", "name": "api"}`,
			want: &rules.ObjectRef{Kind: "HorizontalPodAutoscaler", Name: "api"}},
		{name: "not an object", object: `, "object": "HorizontalPodAutoscaler/api"`, wantErr: "object is string"},
		{name: "no name", object: `, "object": {"kind": "HorizontalPodAutoscaler"}`, wantErr: "names no kind and name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(rule("O001", "error", "o", "true"), `"path": ["spec"]}`, `"path": ["spec", "maxReplicas"]`+tt.object+`}`, 1)
			e, err := rules.New(context.Background(), fstest.MapFS{"k8s/o/o.rego": {Data: []byte(src)}})
			if err != nil {
				t.Fatal(err)
			}
			vs, err := e.Evaluate(context.Background(), rules.Input{Domain: "k8s", Object: value(t, `{"kind": "Deployment"}`), Environment: "production"})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || len(vs) != 1 {
				t.Fatalf("got %v, %v; want one violation", vs, err)
			}
			if got := vs[0].Object; (got == nil) != (tt.want == nil) || (got != nil && *got != *tt.want) {
				t.Errorf("object %v, want %v", got, tt.want)
			}
		})
	}
}
