package audit

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/slotwise/slotcheck/internal/kube"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
)

// TestRunAgreesWithLint: the objects of the example manifests, served by
// an API server in one namespace, get from the audit the findings of the
// admission rules lint gives the manifests moved to that namespace, at the
// same field paths: those of the workloads and of every other kind the
// rules judge (Services, Ingresses, NetworkPolicies). Lint finds nothing
// by the admission rules in the kinds the audit does not list.
func TestRunAgreesWithLint(t *testing.T) {
	tests := []struct {
		name, namespace, environment string
		files                        []string
	}{
		{"violations", "shop", "production", []string{"workload.yaml", "worker.yaml", "network.yaml", "edge.yaml"}},
		{"violations in development", "reports", "development", []string{"development/cronjob.yaml"}},
		{"compliant", "slotwise", "staging", []string{"../compliant/deployment.yaml", "../compliant/platform.yaml", "../compliant/service.yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs := "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + tt.namespace + ", labels: {slotcheck.slotwise.com/environment: " + tt.environment + "}}\n"
			for _, f := range tt.files {
				src, err := os.ReadFile(filepath.Join("..", "..", "testdata", "examples", "violations", f))
				if err != nil {
					t.Fatal(err)
				}
				docs += "---\n" + string(src)
			}
			api := newFakeAPI(t, docs)
			var manifests []string
			for _, u := range api.objects {
				if u.GetKind() != "Namespace" {
					u.SetNamespace(tt.namespace)
					b, err := u.MarshalJSON()
					if err != nil {
						t.Fatal(err)
					}
					manifests = append(manifests, string(b))
				}
			}
			file := filepath.Join(t.TempDir(), "manifests.yaml")
			if err := os.WriteFile(file, []byte(strings.Join(manifests, "\n---\n")), 0o644); err != nil {
				t.Fatal(err)
			}
			lint, err := scan.Run(context.Background(), newEngine(t), scan.Options{Paths: []string{file}, Environment: tt.environment})
			if err != nil {
				t.Fatal(err)
			}
			rep := api.audit(t, Options{})
			judged := judgedKinds(newEngine(t))
			want, got := findingKeys(lint, judged), findingKeys(rep, judged)
			for f := range lint.All() {
				if f.Rule.Admission && !judged[f.Kind] {
					t.Errorf("lint finds %s in %s %s, a kind the audit does not list", f.Rule.ID, f.Kind, f.Name)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("audit:\n  %s\nlint:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
			if tt.name == "violations" && len(want) == 0 {
				t.Error("lint found nothing: the comparison proves nothing")
			}
		})
	}
}

// judgedKinds are the kinds an audit judges: the workloads and the kinds
// the admission rules judge.
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

// findingKeys are a report's findings by the admission rules about the
// kinds judged: object, field, rule.
func findingKeys(rep *scan.Report, judged map[string]bool) []string {
	var out []string
	for f := range rep.All() {
		if judged[f.Kind] && f.Rule.Admission {
			out = append(out, f.Namespace+"/"+f.Kind+"/"+f.Name+" "+f.FieldPath+" "+f.Rule.ID)
		}
	}
	slices.Sort(out)
	return out
}
