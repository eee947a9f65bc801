package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/slotwise/slotcheck/internal/rules"
)

// readsRule reads two kinds with both scopes, which no single rule of the
// policy tree does today.
func readsRule() *rules.Rule {
	return &rules.Rule{
		ID: "X001", Title: "t", Description: "d", Remediation: "r", Severity: rules.SeverityWarning,
		Section: "s", Environments: []string{"production"}, Admission: true, CrossObject: true,
		File: "k8s/x001/x001.rego",
		Reads: []rules.Read{
			{Kind: "NetworkPolicy", APIVersion: "networking.k8s.io/v1", Scope: rules.ScopeNamespace},
			{Kind: "ServiceMonitor", APIVersion: "monitoring.coreos.com/v1", Scope: rules.ScopeCluster},
		},
	}
}

// TestRulesShowReads holds every surface of the rule list to show what a
// rule's reads: names, since that decides the webhook's ClusterRole and
// which findings --deny-cross-object turns into denials.
func TestRulesShowReads(t *testing.T) {
	tests := []struct {
		name  string
		write func(*bytes.Buffer, *rules.Rule) error
		want  []string
	}{
		{
			name:  "table",
			write: func(b *bytes.Buffer, r *rules.Rule) error { return RulesTable(b, []*rules.Rule{r}) },
			want:  []string{"READS\n", "NetworkPolicy, ServiceMonitor\n"},
		},
		{
			name:  "explain",
			write: func(b *bytes.Buffer, r *rules.Rule) error { return Explain(b, r) },
			want: []string{
				"Reads:        other objects of the same scan (or, in the webhook, of the cluster):\n" +
					"                NetworkPolicy (networking.k8s.io/v1) of the target's namespace\n" +
					"                ServiceMonitor (monitoring.coreos.com/v1) of every namespace\n",
			},
		},
		{
			name:  "markdown",
			write: func(b *bytes.Buffer, r *rules.Rule) error { return RulesMarkdown(b, []*rules.Rule{r}) },
			want: []string{"- **Reads:** other objects of the same scan (in the webhook, of the cluster): " +
				"NetworkPolicy (networking.k8s.io/v1) of the target's namespace; ServiceMonitor (monitoring.coreos.com/v1) of every namespace\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.write(&b, readsRule()); err != nil {
				t.Fatal(err)
			}
			for _, want := range tt.want {
				if !strings.Contains(b.String(), want) {
					t.Errorf("output lacks %q:\n%s", want, b.String())
				}
			}
		})
	}
}

// TestRulesJSONReads checks the JSON list carries reads: as METADATA spells
// it, and an empty list rather than null for a rule that reads nothing.
func TestRulesJSONReads(t *testing.T) {
	plain := readsRule()
	plain.ID, plain.Reads, plain.CrossObject = "X002", nil, false
	var b bytes.Buffer
	if err := RulesJSON(&b, []*rules.Rule{readsRule(), plain}); err != nil {
		t.Fatal(err)
	}
	var got []struct {
		ID    string            `json:"id"`
		Reads []json.RawMessage `json:"reads"`
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		idx  int
		want []string
	}{
		{"reads two kinds", 0, []string{
			`{"kind":"NetworkPolicy","apiVersion":"networking.k8s.io/v1","scope":"namespace"}`,
			`{"kind":"ServiceMonitor","apiVersion":"monitoring.coreos.com/v1","scope":"cluster"}`,
		}},
		{"reads nothing", 1, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reads := got[tt.idx].Reads
			if reads == nil {
				t.Fatalf("%s: reads is null or missing, want a list:\n%s", got[tt.idx].ID, b.String())
			}
			if len(reads) != len(tt.want) {
				t.Fatalf("%s: %d reads, want %d", got[tt.idx].ID, len(reads), len(tt.want))
			}
			for i, raw := range reads {
				var compact bytes.Buffer
				if err := json.Compact(&compact, raw); err != nil {
					t.Fatal(err)
				}
				if compact.String() != tt.want[i] {
					t.Errorf("reads[%d] = %s, want %s", i, compact.String(), tt.want[i])
				}
			}
		})
	}
}
