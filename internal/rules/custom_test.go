package rules_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/policies"
)

// customRule is a valid custom rule's source with its METADATA's custom
// block replaced by custom and its body by body.
func customRule(pkg, custom, body string) string {
	return "# METADATA\n# title: Team label\n# description: Workloads name their team.\n# custom:\n" + custom +
		"package " + pkg + "\n\nimport data.lib.k8s\n\n" + body
}

const (
	teamCustom = "#   id: TEAM001\n#   severity: error\n#   section: Ownership\n#   remediation: Add a team label.\n#   environments: [production]\n"
	teamBody   = "deny contains {\"msg\": sprintf(\"%s has no team\", [k8s.name]), \"path\": [\"metadata\", \"name\"]} if {\n\tnot input.object.metadata.labels.team\n}\n"
)

func TestCustomPolicyProblems(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string // each a line of the error
		// absent is a text the error must not hold.
		absent string
	}{
		{
			name:  "unknown METADATA key",
			files: map[string]string{"k8s/team/team.rego": customRule("k8s.team", teamCustom+"#   admision: false\n", teamBody)},
			want:  []string{`custom/k8s/team/team.rego:10: custom: unknown key "admision"`},
		},
		{
			name:  "missing id, severity and remediation",
			files: map[string]string{"k8s/team/team.rego": customRule("k8s.team", "#   section: Ownership\n#   environments: [production]\n", teamBody)},
			want: []string{
				"custom/k8s/team/team.rego:4: custom.id is missing",
				"custom/k8s/team/team.rego:4: custom.remediation is missing",
				"custom/k8s/team/team.rego:4: custom.severity is missing",
			},
		},
		{
			name:  "id of a built-in rule",
			files: map[string]string{"k8s/team/team.rego": customRule("k8s.team", strings.Replace(teamCustom, "TEAM001", "SEC001", 1), teamBody)},
			want:  []string{"custom/k8s/team/team.rego:5: rule id SEC001 is declared twice: first at k8s/sec001/sec001.rego:"},
		},
		{
			name: "id of another custom rule",
			files: map[string]string{
				"k8s/team/team.rego":   customRule("k8s.team", teamCustom, teamBody),
				"k8s/team2/team2.rego": customRule("k8s.team2", teamCustom, teamBody),
			},
			want: []string{"custom/k8s/team2/team2.rego:5: rule id TEAM001 is declared twice: first at custom/k8s/team/team.rego:5"},
		},
		{
			name:  "with in a rule",
			files: map[string]string{"k8s/team/team.rego": customRule("k8s.team", teamCustom, "deny contains {\"msg\": \"x\"} if {\n\tk8s.name == \"\" with input.object as {}\n}\n")},
			want:  []string{"custom/k8s/team/team.rego:15: with input.object as {}: a rule may not use with"},
		},
		{
			name:  "package outside the rule domains",
			files: map[string]string{"lib/team.rego": "package lib.k8s\n\nteam := true\n"},
			want:  []string{"custom/lib/team.rego:1: package lib.k8s: a custom policy is a rule package k8s.<id> or dockerfile.<id>"},
		},
		{
			name:  "configuration rule package",
			files: map[string]string{"config/team/team.rego": customRule("config.team", teamCustom, teamBody)},
			want:  []string{"custom/config/team/team.rego:10: package config.team: a custom policy is a rule package"},
		},
		{
			name:  "reads an unknown kind",
			files: map[string]string{"k8s/team/team.rego": customRule("k8s.team", teamCustom+"#   reads: [{kind: Deploymnet, apiVersion: apps/v1, scope: namespace}]\n", teamBody)},
			want:  []string{"custom/k8s/team/team.rego:10: custom.reads[0]: Kubernetes has no kind Deploymnet in apps/v1"},
		},
		{
			name:  "parse error",
			files: map[string]string{"k8s/team/team.rego": customRule("k8s.team", teamCustom, "deny contains {\"msg\": \"x\"} if {\n")},
			want:  []string{"custom/k8s/team/team.rego:", "rego_parse_error"},
		},
		{
			name:  "compile error",
			files: map[string]string{"k8s/team/team.rego": customRule("k8s.team", teamCustom, "deny contains {\"msg\": \"x\"} if no_such_function(input)\n")},
			want:  []string{"custom/k8s/team/team.rego:14: rego_type_error: undefined function no_such_function"},
		},
		{
			name: "hidden folders are skipped",
			files: map[string]string{
				"team.rego":                    customRule("k8s.team", teamCustom, teamBody),
				"..2026_12_07_16_00/team.rego": customRule("k8s.team", strings.Replace(teamCustom, "TEAM001", "SEC001", 1), teamBody),
				"typo.rego":                    customRule("k8s.typo", teamCustom+"#   admision: false\n", teamBody),
			},
			want:   []string{"custom/typo.rego:10: custom: unknown key \"admision\""},
			absent: "SEC001",
		},
		{
			name:  "empty folder",
			files: map[string]string{"README.md": "no policies"},
			want:  []string{"policy folder custom holds no .rego file"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, src := range tt.files {
				fsys[name] = &fstest.MapFile{Data: []byte(src)}
			}
			_, err := rules.New(context.Background(), policies.FS(), rules.WithPolicies(rules.Folder{Name: "custom", FS: fsys}))
			var pe *rules.PolicyError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v, want a *rules.PolicyError", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error:\n%v\nwant it to contain %q", err, w)
				}
			}
			if tt.absent != "" && strings.Contains(err.Error(), tt.absent) {
				t.Errorf("error:\n%v\nwant it without %q", err, tt.absent)
			}
		})
	}
}

// TestCustomPolicyEvaluators runs a custom rule that imports the built-in
// helpers with both evaluators: the plans and OPA's topdown must agree.
func TestCustomPolicyEvaluators(t *testing.T) {
	custom := rules.Folder{Name: "custom", FS: fstest.MapFS{
		"k8s/team/team.rego": &fstest.MapFile{Data: []byte(customRule("k8s.team", teamCustom, teamBody))},
	}}
	deployment := ast.MustParseTerm(`{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "billing", "labels": {"app": "billing"}}}`).Value
	for _, tt := range []struct {
		name string
		opts []rules.Option
	}{
		{name: "plans"},
		{name: "topdown", opts: []rules.Option{rules.WithReferenceEvaluator()}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e, err := rules.New(context.Background(), policies.FS(), append(tt.opts, rules.WithPolicies(custom))...)
			if err != nil {
				t.Fatal(err)
			}
			r, ok := e.Rule("team001")
			if !ok || !r.Custom || r.File != "custom/k8s/team/team.rego" || r.HelpURL() != "" {
				t.Fatalf("rule TEAM001: %+v, want the custom rule of custom/k8s/team/team.rego with no help URL", r)
			}
			vs, err := e.Evaluate(context.Background(), rules.Input{Domain: "k8s", Object: deployment, Environment: "production"})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, v := range vs {
				if v.Rule.ID == "TEAM001" {
					got = append(got, v.Message)
				}
			}
			if len(got) != 1 || got[0] != "billing has no team" {
				t.Errorf("TEAM001 found %q, want [billing has no team]", got)
			}
		})
	}
}

func TestCheckTests(t *testing.T) {
	rule := &rules.Rule{ID: "TEAM001", Package: "k8s.team", File: "custom/k8s/team/team.rego"}
	tests := []struct {
		name  string
		tests string
		want  string
	}{
		{name: "both", tests: "package k8s.team_test\n\ntest_allow_a if true\n\ntest_deny_a if true\n"},
		{name: "no deny test", tests: "package k8s.team_test\n\ntest_allow_a if true\n", want: "rule TEAM001 has 1 test_allow_ and 0 test_deny_ tests"},
		{name: "no allow test", tests: "package k8s.team_test\n\ntest_deny_a if true\n", want: "rule TEAM001 has 0 test_allow_ and 1 test_deny_ tests"},
		{name: "tests of another package", tests: "package k8s.other_test\n\ntest_allow_a if true\n\ntest_deny_a if true\n", want: "rule TEAM001 has 0 test_allow_ and 0 test_deny_ tests"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			modules := map[string]*ast.Module{
				"custom/k8s/team/team_test.rego": ast.MustParseModuleWithOpts(tt.tests, ast.ParserOptions{RegoVersion: ast.RegoV1}),
			}
			errs := rules.CheckTests([]*rules.Rule{rule}, modules)
			switch {
			case tt.want == "" && len(errs) > 0:
				t.Errorf("unexpected problems: %v", errs)
			case tt.want != "" && (len(errs) != 1 || !strings.Contains(errs[0].Error(), tt.want)):
				t.Errorf("problems %v, want one containing %q", errs, tt.want)
			}
		})
	}
}
