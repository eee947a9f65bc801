package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slotwise/slotcheck/internal/rules"
)

func TestParseFull(t *testing.T) {
	f, errs := Load("testdata/full.yaml", "full.yaml")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if got := f.Rules["NET003"]; !got.Disabled {
		t.Errorf("NET003 not disabled: %+v", got)
	}
	if sev, off := f.Severity("SEC009", "production", rules.SeverityWarning); off || sev != rules.SeverityError {
		t.Errorf("SEC009 in production: %s %v, want error", sev, off)
	}
	if sev, _ := f.Severity("SEC009", "staging", rules.SeverityWarning); sev != rules.SeverityNote {
		t.Errorf("SEC009 in staging: %s, want note", sev)
	}
	if _, off := f.Severity("NET003", "staging", rules.SeverityNote); !off {
		t.Error("NET003 not off")
	}
	if got := f.Exemptions[1].Rules; !slices.Equal(got, []RuleID{"AVL001", "AVL003"}) {
		t.Errorf("rules %v: ids are upper-cased", got)
	}
	if got := f.Exemptions[0].Expires.String(); got != "2027-03-31" {
		t.Errorf("expires %q", got)
	}
	if got := f.Workloads[0].PodTemplate; !slices.Equal(got, FieldPath{"spec", "template"}) {
		t.Errorf("pod template %v", got)
	}
	if f.RuleData() == nil {
		t.Error("no rule data")
	}
	if errs := f.CheckRules(func(id string) bool { return id != "AVL003" }); len(errs) != 1 || errs[0].Error() != "full.yaml:22:21: unknown rule AVL003: `slotcheck rules` lists the rules" {
		t.Errorf("CheckRules: %v", errs)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
		want []string
	}{
		{name: "unknown key", src: "version: 1\nexclud: [a]\n", want: []string{`x.yaml:2:1: configuration: unknown key "exclud": want one of dockerfile, exclude, exemptions, imageTags, policies, rules, version, workloads`}},
		{name: "nested unknown key", src: "version: 1\nexemptions:\n- rules: [SEC001]\n  reason: r\n  namespace: [a]\n", want: []string{`x.yaml:5:3: exemptions[0]: unknown key "namespace": want one of containers, expires, kinds, names, namespaces, paths, reason, rules`}},
		{name: "missing version", src: "exclude: [a]\n", want: []string{"x.yaml:1:1: configuration: version is required"}},
		{name: "empty", src: "# nothing\n", want: []string{"x.yaml: empty configuration: write at least version: 1"}},
		{name: "a document marker alone", src: "---", want: []string{"x.yaml: empty configuration: write at least version: 1"}},
		{name: "a document marker and a comment", src: "---\n# nothing\n", want: []string{"x.yaml: empty configuration: write at least version: 1"}},
		{name: "an explicit null", src: "--- ~\n", want: []string{"x.yaml:1:5: configuration: version is required: write version: 1"}},
		{name: "bad version", src: "version: 2\n", want: []string{"x.yaml:1:10: version: 2 is not a version slotcheck reads: write version: 1"}},
		{name: "version string", src: "version: \"1\"\n", want: []string{`x.yaml:1:10: version: want an integer, got the string "1"`}},
		{name: "wrong type list", src: "version: 1\nexclude: vendor/**\n", want: []string{`x.yaml:2:10: exclude: want a list, got the string "vendor/**"`}},
		{name: "bool wanted", src: "version: 1\nrules:\n  SEC001: {disabled: \"yes\"}\n", want: []string{`x.yaml:3:22: rules.SEC001.disabled: want true or false, got the string "yes"`}},
		{name: "bad glob", src: "version: 1\nexclude: [\"a/[b\"]\n", want: []string{`x.yaml:2:11: exclude[0]: glob "a/[b": syntax error in pattern`}},
		{name: "bad regex", src: "version: 1\nimageTags:\n  immutable: ['^v(']\n", want: []string{"x.yaml:3:15: imageTags.immutable[0]: regular expression \"^v(\": missing closing )"}},
		{name: "bad date", src: "version: 1\nexemptions:\n- rules: [SEC001]\n  reason: r\n  expires: 2027-02-30\n", want: []string{`x.yaml:5:12: exemptions[0].expires: date "2027-02-30": want YYYY-MM-DD, a day that exists`}},
		{name: "date as number", src: "version: 1\nexemptions:\n- rules: [SEC001]\n  reason: r\n  expires: 20270230\n", want: []string{`x.yaml:5:12: exemptions[0].expires: want a string, got the number 20270230`}},
		{name: "missing reason", src: "version: 1\nexemptions:\n- rules: [SEC001]\n", want: []string{"x.yaml:3:3: exemptions[0]: reason is required"}},
		{name: "blank reason", src: "version: 1\nexemptions:\n- rules: [SEC001]\n  reason: \"  \"\n", want: []string{"x.yaml:4:11: exemptions[0].reason: must not be empty"}},
		{name: "no rules", src: "version: 1\nexemptions:\n- rules: []\n  reason: r\n", want: []string{"x.yaml:3:10: exemptions[0].rules: list at least one"}},
		{name: "bad severity", src: "version: 1\nrules:\n  SEC001: {severity: fatal}\n", want: []string{`x.yaml:3:22: rules.SEC001.severity: severity "fatal": want error, warning or note`}},
		{name: "bad environment", src: "version: 1\nrules:\n  SEC001:\n    environmentSeverity: {prod: note}\n", want: []string{"x.yaml:4:27: rules.SEC001.environmentSeverity.prod: environment \"prod\": want one of development, staging, production"}},
		{name: "duplicate key", src: "version: 1\nexclude: [a]\nexclude: [b]\n", want: []string{`x.yaml:3:1: configuration: key "exclude" written twice`}},
		{name: "duplicate rule", src: "version: 1\nrules:\n  SEC001: {disabled: true}\n  sec001: {disabled: true}\n", want: []string{`x.yaml:4:3: rules: key "sec001" written twice`}},
		{name: "bad field path", src: "version: 1\nworkloads:\n- {apiVersion: a/v1, kind: K, podTemplate: spec..template}\n", want: []string{`x.yaml:3:44: workloads[0].podTemplate: field path "spec..template": want dotted field names, e.g. spec.template`}},
		{name: "workload apiVersion without group", src: "version: 1\nworkloads:\n- {apiVersion: v1, kind: K, podTemplate: spec.template}\n", want: []string{`x.yaml:3:16: workloads[0].apiVersion: "v1": want a custom resource's group/version, e.g. argoproj.io/v1alpha1`}},
		{name: "workload listed twice", src: "version: 1\nworkloads:\n- {apiVersion: a.io/v1, kind: K, podTemplate: spec.template}\n- {apiVersion: a.io/v1, kind: K, podTemplate: spec.other}\n", want: []string{`x.yaml:4:31: workloads[1]: a.io/v1 K is already listed as workloads[0]: list each kind once`}},
		{name: "two documents", src: "version: 1\n---\nversion: 1\n", want: []string{"x.yaml:2:1: a configuration is one YAML document; this file holds more"}},
		{name: "syntax", src: "version: 1\nexclude: [a\n", want: []string{"x.yaml:2:1: invalid YAML: did not find expected ',' or ']'"}},
		{name: "every problem", src: "version: 1\nexclud: []\nexemptions:\n- rules: [SEC001]\n  expires: soon\n", want: []string{
			`x.yaml:2:1: configuration: unknown key "exclud": want one of dockerfile, exclude, exemptions, imageTags, policies, rules, version, workloads`,
			"x.yaml:4:3: exemptions[0]: reason is required",
			`x.yaml:5:12: exemptions[0].expires: date "soon": want YYYY-MM-DD, a day that exists`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errs := Parse([]byte(tc.src), "x.yaml")
			var got []string
			for _, e := range errs {
				got = append(got, e.Error())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("errors\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestExemptionMatches(t *testing.T) {
	base := Subject{Rule: "SEC006", Kind: "Deployment", Namespace: "legacy-a", Name: "billing-api", Container: "app", Paths: []string{"k8s/app.yaml"}}
	full := Exemption{Rules: []RuleID{"SEC006"}, Kinds: []string{"Deployment"}, Namespaces: []Glob{"legacy-*"}, Names: []Glob{"billing-*"}, Containers: []Glob{"app"}, Paths: []Glob{"k8s/**"}, Reason: "r"}
	for _, tc := range []struct {
		name   string
		change func(*Subject)
		want   bool
	}{
		{name: "all match", change: func(*Subject) {}, want: true},
		{name: "other rule", change: func(s *Subject) { s.Rule = "SEC001" }},
		{name: "other kind", change: func(s *Subject) { s.Kind = "StatefulSet" }},
		{name: "other namespace", change: func(s *Subject) { s.Namespace = "shop" }},
		{name: "other name", change: func(s *Subject) { s.Name = "api" }},
		{name: "other container", change: func(s *Subject) { s.Container = "sidecar" }},
		{name: "no container", change: func(s *Subject) { s.Container = "" }},
		{name: "other path", change: func(s *Subject) { s.Paths = []string{"charts/app.yaml"} }},
		{name: "second path form", change: func(s *Subject) { s.Paths = []string{"../x.yaml", "k8s/a/b.yaml"} }, want: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := base
			tc.change(&s)
			if got := full.Matches(s); got != tc.want {
				t.Errorf("Matches = %v, want %v", got, tc.want)
			}
		})
	}
	if !(&Exemption{Rules: []RuleID{"SEC006"}, Reason: "r"}).Matches(Subject{Rule: "SEC006"}) {
		t.Error("an exemption with rules alone matches every object")
	}
}

func TestExpired(t *testing.T) {
	today := NewDate(time.Date(2026, 12, 7, 23, 0, 0, 0, time.UTC))
	for _, tc := range []struct {
		expires string
		want    bool
	}{
		{"", false}, {"2026-12-06", true}, {"2026-12-07", false}, {"2027-01-01", false},
	} {
		var e Exemption
		if tc.expires != "" {
			f, errs := Parse([]byte("version: 1\nexemptions:\n- {rules: [A], reason: r, expires: "+tc.expires+"}\n"), "x")
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			e = f.Exemptions[0]
		}
		if got := e.Expired(today); got != tc.want {
			t.Errorf("expires %q: Expired = %v, want %v", tc.expires, got, tc.want)
		}
	}
}

func TestFind(t *testing.T) {
	root := t.TempDir()
	mk := func(p string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, p), []byte("version: 1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mk("repo/.git/HEAD")
	mk("repo/.slotcheck.yaml")
	mk("repo/team/.slotcheck.yml")
	mk("repo/team/app/deploy.yaml")
	mk("repo/other/deploy.yaml")
	mk(".slotcheck.yaml") // above the repository: not its to configure
	mk("norepo/x/deploy.yaml")
	for _, tc := range []struct {
		path, want string
	}{
		{path: "repo/team/app/deploy.yaml", want: "repo/team/.slotcheck.yml"},
		{path: "repo/team/app", want: "repo/team/.slotcheck.yml"},
		{path: "repo/other", want: "repo/.slotcheck.yaml"},
		{path: "repo", want: "repo/.slotcheck.yaml"},
		{path: "norepo/x/deploy.yaml", want: ".slotcheck.yaml"},
	} {
		got := Find(filepath.Join(root, tc.path))
		if rel, _ := filepath.Rel(root, got); filepath.ToSlash(rel) != tc.want {
			t.Errorf("Find(%s) = %s, want %s", tc.path, got, tc.want)
		}
	}
	if err := os.Remove(filepath.Join(root, ".slotcheck.yaml")); err != nil {
		t.Fatal(err)
	}
	if got := Find(filepath.Join(root, "norepo/x")); got != "" {
		t.Errorf("Find = %s, want none", got)
	}
}

func TestCheckWorkloads(t *testing.T) {
	builtin := []string{"CronJob", "Deployment", "DeploymentConfig", "Pod"}
	for _, tc := range []struct {
		name string
		src  string
		want []string
	}{
		{name: "custom resource", src: "version: 1\nworkloads:\n- {apiVersion: argoproj.io/v1alpha1, kind: Rollout, podTemplate: spec.template}\n"},
		{name: "same kind in two versions", src: "version: 1\nworkloads:\n- {apiVersion: example.com/v1, kind: App, podTemplate: spec.template}\n- {apiVersion: example.com/v2, kind: App, podTemplate: spec.pod}\n"},
		{name: "known workload", src: "version: 1\nworkloads:\n- apiVersion: apps/v1\n  kind: Deployment\n  podTemplate: spec.template\n", want: []string{
			"x.yaml:4:9: workloads[0]: Deployment is a workload kind slotcheck judges already, whatever its apiVersion: its pod template cannot be redefined; remove this entry",
		}},
		{name: "known workload in another group", src: "version: 1\nworkloads:\n- {apiVersion: apps.openshift.io/v1, kind: DeploymentConfig, podTemplate: spec.template}\n", want: []string{
			"x.yaml:3:44: workloads[0]: DeploymentConfig is a workload kind slotcheck judges already, whatever its apiVersion: its pod template cannot be redefined; remove this entry",
		}},
		{name: "kind built into Kubernetes", src: "version: 1\nworkloads:\n- {apiVersion: apps/v1, kind: ControllerRevision, podTemplate: data.template}\n", want: []string{
			"x.yaml:3:31: workloads[0]: apps/v1 ControllerRevision is a kind built into Kubernetes that runs no pods of its own: workloads names custom resources that hold a pod template, e.g. argoproj.io/v1alpha1 Rollout",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, errs := Parse([]byte(tc.src), "x.yaml")
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			var got []string
			for _, e := range f.CheckWorkloads(builtin) {
				got = append(got, e.Error())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("CheckWorkloads:\n got %q\nwant %q", got, tc.want)
			}
			if err := CheckWorkloads(f.Workloads, builtin); (err != nil) != (len(tc.want) > 0) {
				t.Errorf("CheckWorkloads without the file: %v, want %d problems", err, len(tc.want))
			}
		})
	}
}

func TestCheckWorkloadsWithoutFile(t *testing.T) {
	ws := []Workload{
		{APIVersion: "v1", Kind: "K", PodTemplate: FieldPath{"spec"}},
		{APIVersion: "a.io/v1", Kind: "K", PodTemplate: FieldPath{"spec"}},
		{APIVersion: "a.io/v1", Kind: "K", PodTemplate: FieldPath{"spec"}},
		{APIVersion: "a.io/v1", Kind: "Pod", PodTemplate: FieldPath{"spec"}},
	}
	err := CheckWorkloads(ws, []string{"Pod"})
	want := `workloads[0]: want a custom resource's apiVersion (group/version), kind and pod template path, got "v1" "K" [spec]
workloads[2]: a.io/v1 K is listed twice
workloads[3]: Pod is a workload kind slotcheck judges already, whatever its apiVersion: its pod template cannot be redefined; remove this entry`
	if err == nil || err.Error() != want {
		t.Errorf("CheckWorkloads = %v, want\n%s", err, want)
	}
}

func TestWorkloadsData(t *testing.T) {
	ws := []Workload{
		{APIVersion: "argoproj.io/v1alpha1", Kind: "Rollout", PodTemplate: FieldPath{"spec", "template"}},
		{APIVersion: "example.com/v2", Kind: "App", PodTemplate: FieldPath{"spec", "pod"}},
		{APIVersion: "example.com/v1", Kind: "App", PodTemplate: FieldPath{"spec", "template"}},
	}
	want := `{"workloads": {"App": {"example.com/v1": ["spec", "template"], "example.com/v2": ["spec", "pod"]}, "Rollout": {"argoproj.io/v1alpha1": ["spec", "template"]}}}`
	if got := WorkloadsData(ws); got == nil || got.String() != want {
		t.Errorf("WorkloadsData = %v, want %s", got, want)
	}
	if got := (&File{Workloads: ws}).RuleData(); got == nil || got.String() != want {
		t.Errorf("RuleData = %v, want %s", got, want)
	}
	if got := WorkloadsData(nil); got != nil {
		t.Errorf("WorkloadsData(nil) = %v, want nil", got)
	}
}
