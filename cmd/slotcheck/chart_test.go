package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// webhookChart is the webhook's own Helm chart, relative to the repository root.
const webhookChart = "charts/slotcheck-webhook"

// chartReport is the part of the JSON report the chart tests read.
type chartReport struct {
	Findings []chartFinding `json:"findings"`
	Errors   []struct {
		File    string `json:"file"`
		Line    int    `json:"line"`
		Message string `json:"message"`
	} `json:"errors"`
	Summary struct {
		Objects        int      `json:"objects"`
		ChartsRendered []string `json:"charts_rendered"`
		Suppressed     int      `json:"suppressed"`
	} `json:"summary"`
}

// chartFinding is one finding of the JSON report.
type chartFinding struct {
	ID       string `json:"id"`
	Severity string `json:"severity"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Message  string `json:"message"`
}

// lintChart lints the webhook chart as CI does, with --fail-on note, and
// returns the exit code and the parsed JSON report.
func lintChart(t *testing.T, args ...string) (int, chartReport, string) {
	t.Helper()
	full := append([]string{"lint", "--format", "json", "--fail-on", "note", "--release-namespace", "slotcheck-system"}, args...)
	full = append(full, webhookChart)
	stdout, stderr, code := run(t, "", full...)
	var rep chartReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("slotcheck %s: exit %d, unreadable JSON report: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(full, " "), code, err, stdout, stderr)
	}
	return code, rep, fmt.Sprintf("slotcheck %s", strings.Join(full, " "))
}

// describe lists a report's findings and input errors, one a line.
func (r chartReport) describe() string {
	var b strings.Builder
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "  %s:%d  %s  %s  %s\n", f.File, f.Line, f.Severity, f.ID, f.Message)
	}
	for _, e := range r.Errors {
		fmt.Fprintf(&b, "  %s:%d  input-error  %s\n", e.File, e.Line, e.Message)
	}
	return b.String()
}

// TestChartLintsClean: the webhook's chart passes slotcheck with zero
// findings of any severity, with its default values and its production
// values, under the staging and the production profiles, and in the
// branches its values switch on (its own certificate, a ServiceMonitor).
func TestChartLintsClean(t *testing.T) {
	const production = "charts/slotcheck-webhook/values-production.yaml"
	ownCert := []string{
		"--set", "certificates.certManager.enabled=false",
		"--set", "certificates.existingSecret=slotcheck-webhook-tls",
		"--set", "certificates.caBundle=LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==",
	}
	cases := []struct {
		name    string
		args    []string
		objects int
	}{
		// The release namespace names no environment: production by default.
		{"defaults", nil, 17},
		{"defaults-production", []string{"--env", "production"}, 17},
		{"defaults-staging", []string{"--env", "staging"}, 17},
		{"production-values", []string{"--values", production}, 17},
		{"production-values-production", []string{"--env", "production", "--values", production}, 17},
		{"production-values-staging", []string{"--env", "staging", "--values", production}, 17},
		// No cert-manager: no Issuer and no Certificate.
		{"own-certificate-production", append([]string{"--env", "production"}, ownCert...), 15},
		{"own-certificate-staging", append([]string{"--env", "staging", "--values", production}, ownCert...), 15},
		// A ServiceMonitor and the metrics Service it scrapes.
		{"service-monitor-production", []string{"--env", "production", "--values", production, "--set", "metrics.serviceMonitor.enabled=true"}, 19},
		{"service-monitor-staging", []string{"--env", "staging", "--set", "metrics.serviceMonitor.enabled=true"}, 19},
		{"issuer-ref", []string{"--set", "certificates.certManager.issuerRef.kind=ClusterIssuer", "--set", "certificates.certManager.issuerRef.name=ca"}, 16},
		{"metrics-off", []string{"--set", "metrics.enabled=false"}, 17},
		// The background audit's ClusterRole, Role, their bindings and the
		// two OpenReports CRDs come and go with their values.
		{"audit-off", []string{"--env", "production", "--set", "audit.interval=0"}, 13}, // the CRDs stay
		{"no-leader-election", []string{"--set", "audit.leaderElection=false"}, 15},
		{"no-openreports-crds", []string{"--set", "openreports.installCRDs=false"}, 15},
		// Custom policies: their ConfigMap.
		{"custom-policies", []string{"--env", "production", "--values", "testdata/charts/webhook-policies.yaml"}, 18},
		// The configuration's ConfigMap, mounted into the Deployment.
		{"config", []string{"--env", "production", "--values", production, "--set", "exemptions=config", "--set", "config.version=1", "--set", "config.rules.NET003.disabled=true"}, 18},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, rep, cmd := lintChart(t, tc.args...)
			if code != 0 || len(rep.Findings) > 0 || len(rep.Errors) > 0 {
				t.Fatalf("%s: exit %d, want 0 and no findings; got:\n%s", cmd, code, rep.describe())
			}
			if rep.Summary.Suppressed > 0 {
				t.Errorf("%s: %d findings suppressed by exemptions; the chart must comply, not exempt itself", cmd, rep.Summary.Suppressed)
			}
			if !slices.Equal(rep.Summary.ChartsRendered, []string{webhookChart}) {
				t.Errorf("%s: charts rendered %q, want [%s]", cmd, rep.Summary.ChartsRendered, webhookChart)
			}
			if rep.Summary.Objects != tc.objects {
				t.Errorf("%s: %d objects rendered, want %d", cmd, rep.Summary.Objects, tc.objects)
			}
		})
	}
}

// TestChartLintSeesViolations guards the test above against passing for
// nothing: turning off what the rules ask for is reported.
func TestChartLintSeesViolations(t *testing.T) {
	cases := []struct {
		name string
		args []string
		rule string
		code int
	}{
		{"no-network-policy", []string{"--env", "production", "--set", "networkPolicy.enabled=false"}, "NET001", 1},
		{"no-autoscaling", []string{"--env", "production", "--set", "autoscaling.enabled=false"}, "AVL003", 1},
		{"staging-max-replicas", []string{"--env", "staging", "--set", "autoscaling.maxReplicas=6"}, "AVL003", 1},
		{"moving-tag", []string{"--env", "production", "--set", "image.tag=main"}, "IMG002", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, rep, cmd := lintChart(t, tc.args...)
			found := slices.ContainsFunc(rep.Findings, func(f chartFinding) bool { return f.ID == tc.rule })
			if code != tc.code || !found {
				t.Fatalf("%s: exit %d, want %d with a %s finding; got:\n%s", cmd, code, tc.code, tc.rule, rep.describe())
			}
		})
	}
}

// TestChartRefusesBadValues: values no template could render correctly
// fail the render with a message naming the value.
func TestChartRefusesBadValues(t *testing.T) {
	cases := []struct {
		name string
		set  []string
		want string
	}{
		{"no-ca-bundle", []string{"certificates.certManager.enabled=false", "certificates.existingSecret=tls"}, "certificates.caBundle is required"},
		{"no-secret", []string{"certificates.certManager.enabled=false", "certificates.caBundle=QUJD"}, "certificates.existingSecret is required"},
		{"timeout", []string{"judgementTimeoutSeconds=10"}, "judgementTimeoutSeconds 10 must be"},
		{"no-api-server-sources", []string{"networkPolicy.apiServerSources=null"}, "networkPolicy.apiServerSources must name"},
		{"mode", []string{"mode=deny"}, `mode "deny"`},
		{"exemptions", []string{"exemptions=team"}, `exemptions "team": want config, annotations or both`},
		{"workload-without-resource", []string{"workloads[0].apiVersion=argoproj.io/v1alpha1", "workloads[0].kind=Rollout"}, "workloads[0].resource is required: the plural of Rollout"},
		{"workload-core-group", []string{"workloads[0].apiVersion=v1", "workloads[0].kind=Thing", "workloads[0].resource=things"}, `workloads[0].apiVersion "v1": want a custom resource's group/version`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var args []string
			for _, s := range tc.set {
				args = append(args, "--set", s)
			}
			code, rep, cmd := lintChart(t, args...)
			if code != 2 || len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Message, tc.want) {
				t.Fatalf("%s: exit %d, want 2 with an input error containing %q; got:\n%s", cmd, code, tc.want, rep.describe())
			}
		})
	}
}

// TestChartReadmeValues keeps the values table of the chart's README in
// step with values.yaml: one row per leaf value (a scalar, a list or an
// empty map), with its default written as JSON.
func TestChartReadmeValues(t *testing.T) {
	root := repoRoot(t)
	raw, err := os.ReadFile(filepath.Join(root, webhookChart, "values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var values map[string]any
	if err := yaml.Unmarshal(raw, &values); err != nil {
		t.Fatalf("values.yaml: %v", err)
	}
	want := map[string]string{}
	flattenValues(t, "", values, want)

	readme, err := os.ReadFile(filepath.Join(root, webhookChart, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := readmeValues(string(readme))
	if err != nil {
		t.Fatalf("%s/README.md: %v", webhookChart, err)
	}

	var missing, extra, mismatched []string
	for _, k := range sortedKeys(want) {
		g, ok := got[k]
		switch {
		case !ok:
			missing = append(missing, fmt.Sprintf("  | `%s` | `%s` | <description> |", k, want[k]))
		case g != want[k]:
			mismatched = append(mismatched, fmt.Sprintf("  %s: README says `%s`, values.yaml has `%s`", k, g, want[k]))
		}
	}
	for _, k := range sortedKeys(got) {
		if _, ok := want[k]; !ok {
			extra = append(extra, "  "+k)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%s/README.md: values table lacks %d values of values.yaml; add rows:\n%s", webhookChart, len(missing), strings.Join(missing, "\n"))
	}
	if len(extra) > 0 {
		t.Errorf("%s/README.md: values table lists %d values values.yaml does not have:\n%s", webhookChart, len(extra), strings.Join(extra, "\n"))
	}
	if len(mismatched) > 0 {
		t.Errorf("%s/README.md: values table gives %d wrong defaults:\n%s", webhookChart, len(mismatched), strings.Join(mismatched, "\n"))
	}
}

// flattenValues maps each leaf of a values tree to its default as compact
// JSON. Keys are joined with "." and dots inside a key escaped as helm
// --set takes them (kubernetes\.io/metadata\.name).
func flattenValues(t *testing.T, prefix string, v any, out map[string]string) {
	t.Helper()
	if m, ok := v.(map[string]any); ok && len(m) > 0 {
		for k, child := range m {
			key := strings.ReplaceAll(k, ".", `\.`)
			if prefix != "" {
				key = prefix + "." + key
			}
			flattenValues(t, key, child, out)
		}
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("values.yaml %s: %v", prefix, err)
	}
	out[prefix] = string(b)
}

const (
	valuesStart = "<!-- values:start -->"
	valuesEnd   = "<!-- values:end -->"
)

// readmeValues reads the rows of the values table between the README's
// markers: | `key` | `default` | description |.
func readmeValues(readme string) (map[string]string, error) {
	_, rest, ok := strings.Cut(readme, valuesStart)
	if !ok {
		return nil, fmt.Errorf("no %s marker before the values table", valuesStart)
	}
	table, _, ok := strings.Cut(rest, valuesEnd)
	if !ok {
		return nil, fmt.Errorf("no %s marker after the values table", valuesEnd)
	}
	rows := map[string]string{}
	for n, line := range strings.Split(strings.TrimSpace(table), "\n") {
		line = strings.TrimSpace(line)
		if n < 2 { // header and separator
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), " | ")
		if len(cells) < 3 {
			return nil, fmt.Errorf("row %q: want | `key` | `default` | description |", line)
		}
		key, okKey := codeSpan(cells[0])
		def, okDef := codeSpan(cells[1])
		if !okKey || !okDef {
			return nil, fmt.Errorf("row %q: key and default must be `code`", line)
		}
		if strings.TrimSpace(strings.Join(cells[2:], " | ")) == "" {
			return nil, fmt.Errorf("row for %s has no description", key)
		}
		if _, dup := rows[key]; dup {
			return nil, fmt.Errorf("%s is listed twice", key)
		}
		rows[key] = def
	}
	return rows, nil
}

// codeSpan returns the text of a table cell written as one `code` span.
func codeSpan(cell string) (string, bool) {
	cell = strings.TrimSpace(cell)
	if len(cell) < 2 || cell[0] != '`' || cell[len(cell)-1] != '`' {
		return "", false
	}
	return cell[1 : len(cell)-1], true
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
