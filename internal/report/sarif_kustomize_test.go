package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
)

// TestSARIFKustomizationRoot: one base line reached by two overlays is two
// alerts in code scanning, each naming its overlay, with fingerprints of
// their own; a finding of a file linted alone keeps the fingerprint it had.
func TestSARIFKustomizationRoot(t *testing.T) {
	r := &rules.Rule{ID: "SEC001", Title: "t", Severity: rules.SeverityError, Domain: "k8s", Environments: []string{"staging", "production"}}
	base := scan.Finding{Rule: r, Severity: rules.SeverityError, Message: "m", File: "/repo/base/deploy.yaml", Line: 3, Column: 7,
		Kind: "Deployment", Namespace: "web", Name: "api", FieldPath: "spec.x"}
	staging, production := base, base
	staging.Root, staging.Environment = "overlays/staging", "staging"
	production.Root, production.Environment = "overlays/production", "production"
	rep := withFindings([]scan.Finding{production, staging}, &scan.Report{
		Targets: []scan.Target{{Domain: "k8s", Environment: "staging"}, {Domain: "k8s", Environment: "production"}},
	})
	opts := SARIFOptions{Rules: []*rules.Rule{r}, Root: "/repo"}
	requireSARIFReference(t, rep, opts)
	var out bytes.Buffer
	if err := SARIF(&out, rep, opts); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				PartialFingerprints map[string]string `json:"partialFingerprints"`
				Properties          map[string]string `json:"properties"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(out.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	res := log.Runs[0].Results
	if len(res) != 2 {
		t.Fatalf("%d results, want 2", len(res))
	}
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"first result's kustomization", res[0].Properties["kustomization"], "overlays/production"},
		{"second result's kustomization", res[1].Properties["kustomization"], "overlays/staging"},
		{"first fingerprint", res[0].PartialFingerprints["slotcheck/v1"], Fingerprint(production)},
		{"second fingerprint", res[1].PartialFingerprints["slotcheck/v1"], Fingerprint(staging)},
		// Pinned: a finding outside any kustomization keeps the fingerprint
		// its alerts are tracked by.
		{"fingerprint without a root", Fingerprint(base), "6cf342c5e29958ca500f1e9c22d00e3b"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	if Fingerprint(staging) == Fingerprint(production) || Fingerprint(staging) == Fingerprint(base) {
		t.Errorf("fingerprints staging %s, production %s, no root %s: want three distinct", Fingerprint(staging), Fingerprint(production), Fingerprint(base))
	}
}
