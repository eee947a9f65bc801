package rules_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/slotwise/slotcheck/internal/rules"
)

// validCustom is a complete custom block; policy writes it from line 5 on
// (id on line 5 ... environments on line 9).
var validCustom = []string{
	"id: X001",
	"severity: error",
	"section: S",
	"remediation: R",
	"environments: [production]",
}

// policy is a rule file of package k8s.<pkg>: # METADATA on line 1, title on
// 2, description on 3, custom: on 4 and the custom lines from 5 on.
func policy(pkg string, custom ...string) string {
	var b strings.Builder
	b.WriteString("# METADATA\n# title: T\n# description: D\n# custom:\n")
	for _, line := range custom {
		b.WriteString("#   " + line + "\n")
	}
	b.WriteString("package k8s." + pkg + "\n\ndeny contains {\"msg\": \"m\"} if input.object.kind == \"Pod\"\n")
	return b.String()
}

// with is validCustom with line i (0 for id) replaced, or dropped when
// line is empty.
func with(i int, line string) []string {
	out := slices.Clone(validCustom)
	if line == "" {
		return slices.Delete(out, i, i+1)
	}
	out[i] = line
	return out
}

func plus(lines ...string) []string { return append(slices.Clone(validCustom), lines...) }

// TestReadRuleStrict holds METADATA to the contract of policies/README.md:
// every key, type and value that is not the contract's is refused, at the
// line of the file where it is written.
func TestReadRuleStrict(t *testing.T) {
	const file = "k8s/a/a.rego"
	tests := []struct {
		name string
		src  string
		want []string // each message, file:line first
	}{
		{"unknown custom key", policy("a", plus("admision: false")...), []string{file + ":10: custom: unknown key \"admision\": want one of admission, environment_severity"}},
		{"misspelt custom key", policy("a", plus("cross_objet: true")...), []string{file + ":10: custom: unknown key \"cross_objet\""}},
		{"cross_object is gone: reads says it", policy("a", plus("cross_object: true")...), []string{file + ":10: custom: unknown key \"cross_object\": want one of admission, environment_severity, environments, id, judges, reads, remediation, section, severity, tags"}},
		{"unknown top-level key", strings.Replace(policy("a", validCustom...), "# title: T", "# titel: T", 1), []string{file + ":1: title is missing", file + ":2: METADATA: unknown key \"titel\""}},
		{"unknown key inside reads", policy("a", plus("reads:", "  - kind: NetworkPolicy", "    apiVersion: networking.k8s.io/v1", "    scope: namespace", "    namespaces: all")...), []string{file + ":14: custom.reads[0]: unknown key \"namespaces\": want one of apiVersion, kind, scope"}},

		{"id not a string", policy("a", with(0, "id: 123")...), []string{file + `:5: custom.id: want a string, got the number 123`}},
		{"severity not a string", policy("a", with(1, "severity: [error]")...), []string{file + `:6: custom.severity: want a string, got a list`}},
		{"section not a string", policy("a", with(2, "section: true")...), []string{file + `:7: custom.section: want a string, got true`}},
		{"remediation not a string", policy("a", with(3, "remediation: {a: b}")...), []string{file + `:8: custom.remediation: want a string, got a mapping`}},
		{"environments not a list", policy("a", with(4, "environments: production")...), []string{file + `:9: custom.environments: want a list, got the string "production"`}},
		{"environment not a string", policy("a", with(4, "environments: [1]")...), []string{file + `:9: custom.environments[0]: want a string, got the number 1`}},
		{"environment_severity not a mapping", policy("a", plus("environment_severity: [warning]")...), []string{file + `:10: custom.environment_severity: want a mapping, got a list`}},
		{"tags not a list", policy("a", plus("tags: security")...), []string{file + `:10: custom.tags: want a list, got the string "security"`}},
		{"tag not a string", policy("a", plus("tags: [1]")...), []string{file + `:10: custom.tags[0]: want a string, got the number 1`}},
		{"empty tag", policy("a", plus(`tags: [""]`)...), []string{file + `:10: custom.tags[0] is empty`}},
		{"admission not a boolean", policy("a", plus("admission: yes")...), []string{file + `:10: custom.admission: want true or false, got the string "yes"`}},
		{"admission quoted", policy("a", plus(`admission: "false"`)...), []string{file + `:10: custom.admission: want true or false, got the string "false"`}},
		{"reads not a list", policy("a", plus("reads: NetworkPolicy")...), []string{file + `:10: custom.reads: want a list, got the string "NetworkPolicy"`}},
		{"reads kind not a string", policy("a", plus("reads: [{kind: 1, apiVersion: v1, scope: namespace}]")...), []string{file + `:10: custom.reads[0].kind: want a string, got the number 1`}},

		{"missing id", policy("a", with(0, "")...), []string{file + ":4: custom.id is missing"}},
		{"missing severity", policy("a", with(1, "")...), []string{file + ":4: custom.severity is missing"}},
		{"missing section", policy("a", with(2, "")...), []string{file + ":4: custom.section is missing"}},
		{"missing remediation", policy("a", with(3, "")...), []string{file + ":4: custom.remediation is missing"}},
		{"missing environments", policy("a", with(4, "")...), []string{file + ":4: custom.environments must list where the rule applies"}},
		{"empty id", policy("a", with(0, `id: ""`)...), []string{file + ":5: custom.id is missing"}},
		{"missing custom", strings.Replace(policy("a"), "# custom:\n", "", 1), []string{file + ":1: custom is missing"}},
		{"missing title", strings.Replace(policy("a", validCustom...), "# title: T\n", "", 1), []string{file + ":1: title is missing"}},
		{"no METADATA", "package k8s.a\n\ndeny contains 1 if true\n", []string{file + ":1: package k8s.a has no METADATA block"}},

		{"bad severity", policy("a", with(1, "severity: fatal")...), []string{file + `:6: custom.severity: severity "fatal": want error, warning or note`}},
		{"lower-case id", policy("a", with(0, "id: x001")...), []string{file + `:5: custom.id "x001": want upper-case letters and digits`}},
		{"bad environment", policy("a", with(4, "environments: [production, prod]")...), []string{file + `:9: custom.environments[1]: unknown environment "prod"`}},
		{"bad environment_severity key", policy("a", plus("environment_severity:", "  qa: warning")...), []string{file + `:11: custom.environment_severity.qa: unknown environment "qa"`}},
		{"bad environment_severity value", policy("a", plus("environment_severity:", "  staging: fatal")...), []string{file + `:11: custom.environment_severity.staging: severity "fatal"`}},
		{"bad read scope", policy("a", plus("reads:", "  - kind: NetworkPolicy", "    apiVersion: networking.k8s.io/v1", "    scope: region")...), []string{file + `:13: custom.reads[0].scope "region": want namespace`}},
		{"missing read scope", policy("a", plus("reads: [{kind: NetworkPolicy, apiVersion: networking.k8s.io/v1}]")...), []string{file + `:10: custom.reads[0].scope "": want namespace`}},
		{"bad read apiVersion", policy("a", plus("reads:", "  - kind: NetworkPolicy", "    apiVersion: networking.k8s.io/v1/x", "    scope: namespace")...), []string{file + `:12: custom.reads[0].apiVersion "networking.k8s.io/v1/x": want group/version`}},
		{"kind read twice", policy("a", plus("reads:", "  - {kind: NetworkPolicy, apiVersion: networking.k8s.io/v1, scope: namespace}", "  - {kind: NetworkPolicy, apiVersion: networking.k8s.io/v1, scope: cluster}")...), []string{file + `:12: custom.reads[1]: kind NetworkPolicy is read twice`}},
		{"bad judged apiVersion", policy("a", plus("judges: [{kind: Ingress, apiVersion: networking.k8s.io/v1/x}]")...), []string{file + `:10: custom.judges[0].apiVersion "networking.k8s.io/v1/x": want group/version`}},
		{"judged kind missing", policy("a", plus("judges: [{apiVersion: v1}]")...), []string{file + `:10: custom.judges[0].kind is missing`}},
		{"kind judged twice", policy("a", plus("judges:", "  - {kind: Service, apiVersion: v1}", "  - {kind: Service, apiVersion: v1}")...), []string{file + `:12: custom.judges[1]: kind Service is judged twice`}},
		{"unknown key inside judges", policy("a", plus("judges: [{kind: Service, apiVersion: v1, scope: namespace}]")...), []string{file + `:10: custom.judges[0]: unknown key "scope": want one of apiVersion, kind`}},
		{"several problems, each at its line", policy("a", "id: 1", "severity: fatal", "section: S", "remediation: R", "environments: [qa]", "typo: x"), []string{
			file + `:5: custom.id: want a string`, file + `:6: custom.severity: severity "fatal"`, file + `:9: custom.environments[0]: unknown environment "qa"`, file + `:10: custom: unknown key "typo"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := rules.ReadRule(fstest.MapFS{file: {Data: []byte(tt.src)}}, file)
			checkProblems(t, err, tt.want)
		})
	}
}

// checkProblems requires err to hold exactly the problems want, in order,
// each a *rules.MetadataError whose message starts as given.
func checkProblems(t *testing.T, err error, want []string) {
	t.Helper()
	var got []string
	var joined interface{ Unwrap() []error }
	if errors.As(err, &joined) {
		for _, e := range joined.Unwrap() {
			var me *rules.MetadataError
			if !errors.As(e, &me) {
				t.Errorf("%v is not a *rules.MetadataError", e)
			}
			got = append(got, e.Error())
		}
	}
	if len(got) != len(want) {
		t.Fatalf("got %d problems, want %d:\n got %v\nwant %q", len(got), len(want), err, want)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d:\n got %s\nwant %s...", i, got[i], want[i])
		}
	}
}

// TestReadRule reads what a valid block declares, reads included.
func TestReadRule(t *testing.T) {
	src := policy("a", plus("tags: [security]", "environment_severity: {production: warning}", "admission: false",
		"reads:", "  - {kind: NetworkPolicy, apiVersion: networking.k8s.io/v1, scope: namespace}", "  - {kind: ServiceMonitor, apiVersion: monitoring.coreos.com/v1, scope: cluster}")...)
	r, err := rules.ReadRule(fstest.MapFS{"k8s/a/a.rego": {Data: []byte(src)}}, "k8s/a/a.rego")
	if err != nil {
		t.Fatal(err)
	}
	want := []rules.Read{
		{Kind: "NetworkPolicy", APIVersion: "networking.k8s.io/v1", Scope: rules.ScopeNamespace},
		{Kind: "ServiceMonitor", APIVersion: "monitoring.coreos.com/v1", Scope: rules.ScopeCluster},
	}
	if r.ID != "X001" || r.Severity != rules.SeverityError || r.SeverityIn("production") != rules.SeverityWarning ||
		r.Admission || !r.CrossObject || !slices.Equal(r.Reads, want) || !slices.Equal(r.Tags, []string{"security"}) || r.Package != "k8s.a" {
		t.Errorf("got %+v", r)
	}
	r, err = rules.ReadRule(fstest.MapFS{"k8s/a/a.rego": {Data: []byte(policy("a", validCustom...))}}, "k8s/a/a.rego")
	if err != nil || r.CrossObject || !r.Admission {
		t.Errorf("a rule reading nothing: %+v, %v", r, err)
	}
}

// TestEngineRefusesBadMetadata: the engine holds a policy tree, built-in or
// not, to the same contract, reports the problems of every file, and checks
// what only the whole tree shows: ids declared twice, a kind read two ways.
func TestEngineRefusesBadMetadata(t *testing.T) {
	const np = "reads: [{kind: NetworkPolicy, apiVersion: networking.k8s.io/v1, scope: namespace}]"
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"duplicate id", map[string]string{
			"k8s/a/a.rego": policy("a", validCustom...),
			"k8s/b/b.rego": policy("b", validCustom...),
		}, []string{"k8s/b/b.rego:5: rule id X001 is declared twice: first at k8s/a/a.rego:5"}},
		{"a kind read two ways", map[string]string{
			"k8s/a/a.rego": policy("a", plus(np)...),
			"k8s/b/b.rego": policy("b", append(with(0, "id: X002"), "reads: [{kind: NetworkPolicy, apiVersion: networking.k8s.io/v1, scope: cluster}]")...),
		}, []string{"k8s/b/b.rego:10: custom.reads: NetworkPolicy read as networking.k8s.io/v1 with scope cluster, but k8s/a/a.rego:10 reads it as networking.k8s.io/v1 with scope namespace"}},
		{"a kind judged and read at two versions", map[string]string{
			"k8s/a/a.rego": policy("a", plus(np)...),
			"k8s/b/b.rego": policy("b", append(with(0, "id: X002"), "judges: [{kind: NetworkPolicy, apiVersion: networking.k8s.io/v1beta1}]")...),
		}, []string{"k8s/b/b.rego:10: custom.judges: NetworkPolicy named as networking.k8s.io/v1beta1, but k8s/a/a.rego:10 names it as networking.k8s.io/v1; a cluster audit lists each kind at one version"}},
		{"every file's problems", map[string]string{
			"k8s/a/a.rego":   policy("a", plus("admision: false")...),
			"k8s/b/b.rego":   policy("b", with(1, "severity: fatal")...),
			"k8s/c/c.rego":   policy("c", with(0, "id: X003")...),
			"lib/k8s/h.rego": "package lib.k8s\n\nh := 1\n",
		}, []string{"k8s/a/a.rego:10: custom: unknown key \"admision\"", `k8s/b/b.rego:6: custom.severity: severity "fatal"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, src := range tt.files {
				fsys[name] = &fstest.MapFile{Data: []byte(src)}
			}
			_, err := rules.New(context.Background(), fsys)
			checkProblems(t, err, tt.want)
		})
	}
}

// TestEngineReads: the kinds the rules read, once each, and at admission
// only those of the rules the webhook evaluates.
func TestEngineReads(t *testing.T) {
	fsys := fstest.MapFS{
		"k8s/a/a.rego": {Data: []byte(policy("a", plus("reads: [{kind: NetworkPolicy, apiVersion: networking.k8s.io/v1, scope: namespace}]")...))},
		"k8s/b/b.rego": {Data: []byte(policy("b", append(with(0, "id: X002"), "reads: [{kind: NetworkPolicy, apiVersion: networking.k8s.io/v1, scope: namespace}]")...))},
		"k8s/c/c.rego": {Data: []byte(policy("c", append(with(0, "id: X003"), "admission: false", "reads: [{kind: ServiceMonitor, apiVersion: monitoring.coreos.com/v1, scope: cluster}]")...))},
	}
	e, err := rules.New(context.Background(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	np := rules.Read{Kind: "NetworkPolicy", APIVersion: "networking.k8s.io/v1", Scope: rules.ScopeNamespace}
	sm := rules.Read{Kind: "ServiceMonitor", APIVersion: "monitoring.coreos.com/v1", Scope: rules.ScopeCluster}
	if got := e.Reads(false); !slices.Equal(got, []rules.Read{np, sm}) {
		t.Errorf("Reads(false) = %v", got)
	}
	if got := e.Reads(true); !slices.Equal(got, []rules.Read{np}) {
		t.Errorf("Reads(true) = %v", got)
	}
}

// TestEngineJudges: the kinds the rules judge besides the workloads, once
// each, and at admission only those of the rules the webhook evaluates.
func TestEngineJudges(t *testing.T) {
	fsys := fstest.MapFS{
		"k8s/a/a.rego": {Data: []byte(policy("a", plus("judges: [{kind: Service, apiVersion: v1}, {kind: Ingress, apiVersion: networking.k8s.io/v1}]")...))},
		"k8s/b/b.rego": {Data: []byte(policy("b", append(with(0, "id: X002"), "judges: [{kind: Service, apiVersion: v1}]")...))},
		"k8s/c/c.rego": {Data: []byte(policy("c", append(with(0, "id: X003"), "admission: false", "judges: [{kind: Secret, apiVersion: v1}]")...))},
	}
	e, err := rules.New(context.Background(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	ing := rules.Judged{Kind: "Ingress", APIVersion: "networking.k8s.io/v1"}
	svc := rules.Judged{Kind: "Service", APIVersion: "v1"}
	secret := rules.Judged{Kind: "Secret", APIVersion: "v1"}
	for _, tt := range []struct {
		admission bool
		want      []rules.Judged
	}{
		{admission: false, want: []rules.Judged{ing, secret, svc}},
		{admission: true, want: []rules.Judged{ing, svc}},
	} {
		if got := e.Judges(tt.admission); !slices.Equal(got, tt.want) {
			t.Errorf("Judges(%t) = %v, want %v", tt.admission, got, tt.want)
		}
	}
}

// TestInventoryScopes: a kind read with namespace scope is seen from its own
// namespace only, one read with cluster scope from every namespace, and a
// kind no rule reads is not kept.
func TestInventoryScopes(t *testing.T) {
	inv := rules.NewInventory([]rules.Read{
		{Kind: "NetworkPolicy", APIVersion: "networking.k8s.io/v1", Scope: rules.ScopeNamespace},
		{Kind: "ServiceMonitor", APIVersion: "monitoring.coreos.com/v1", Scope: rules.ScopeCluster},
	})
	for _, add := range []struct {
		kind, namespace, obj string
		kept                 bool
	}{
		{"NetworkPolicy", "a", `{"name": "np-a"}`, true},
		{"NetworkPolicy", "b", `{"name": "np-b"}`, true},
		{"ServiceMonitor", "b", `{"name": "sm-b"}`, true},
		{"ConfigMap", "a", `{"name": "cm-a"}`, false},
	} {
		if got := inv.Add(add.kind, add.namespace, value(t, add.obj)); got != add.kept {
			t.Errorf("Add(%s) = %v, want %v", add.kind, got, add.kept)
		}
	}
	want := `{"NetworkPolicy": [{"name": "np-a"}], "ServiceMonitor": [{"name": "sm-b"}]}`
	if got := inv.Value("a").String(); got != want {
		t.Errorf("inventory of a\n got %s\nwant %s", got, want)
	}
}
