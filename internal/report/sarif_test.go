package report

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/internal/source"
)

// awkward is text that every JSON string rule applies to: quotes,
// backslashes, control characters, HTML, line separators, a genuine U+FFFD,
// invalid UTF-8 and a multi-byte rune.
const awkward = "a \"q\" \\ \b\f\n\r\t\x00\x1f <b>&amp;</b> \u2028\u2029 \uFFFD \xff\xfe é 世界"

// sarifReference is the SARIF log the simple way: the whole log, results
// and all, marshalled by encoding/json. SARIF must write exactly this.
func sarifReference(t testing.TB, rep *scan.Report, opts SARIFOptions) []byte {
	t.Helper()
	log, results, err := buildSARIF(rep, opts)
	if err != nil {
		t.Fatal(err)
	}
	for r := range results {
		log.Runs[0].Results = append(log.Runs[0].Results, *r)
	}
	out, err := json.MarshalIndent(log, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

func requireSARIFReference(t *testing.T, rep *scan.Report, opts SARIFOptions) {
	t.Helper()
	var got bytes.Buffer
	if err := SARIF(&got, rep, opts); err != nil {
		t.Fatal(err)
	}
	if want := sarifReference(t, rep, opts); !bytes.Equal(got.Bytes(), want) {
		g, w := got.String(), string(want)
		i := 0
		for i < len(g) && i < len(w) && g[i] == w[i] {
			i++
		}
		from := max(0, i-300)
		t.Fatalf("SARIF differs from encoding/json at byte %d:\n--- got\n%s\n--- want\n%s", i, g[from:min(len(g), i+300)], w[from:min(len(w), i+300)])
	}
}

// sarifCase is a report and the options it is written with.
type sarifCase struct {
	rep  *scan.Report
	opts SARIFOptions
}

// sarifCases are reports that reach every branch of the SARIF log: awkward
// text in every field, unknown lines and columns, standard input, objects
// without names, containers, rules without tags and with security tags.
func sarifCases() map[string]sarifCase {
	sec := &rules.Rule{ID: "SEC001", Title: "Containers <run> as non-root " + awkward, Description: "desc " + awkward, Severity: rules.SeverityError,
		Section: "§4 " + awkward, Remediation: "set it & go", Tags: []string{"security", "a<b>" + awkward}, Domain: "k8s", Environments: []string{"production"}}
	plain := &rules.Rule{ID: "AVL001", Severity: rules.SeverityNote, Domain: "k8s", Environments: []string{"production"}}
	other := &rules.Rule{ID: "DKR001", Title: "x", Severity: rules.SeverityWarning, Domain: "dockerfile", Environments: []string{"production"}, Tags: []string{"security", "security"}}
	all := []*rules.Rule{sec, plain, other}
	targets := []scan.Target{{Domain: "k8s", Environment: "production"}}
	return map[string]sarifCase{
		"empty": {rep: &scan.Report{}, opts: SARIFOptions{Rules: all, Root: "/repo"}},
		"nothing evaluated, errors": {rep: &scan.Report{Errors: []source.Error{
			{File: source.StdinName, Line: 3, Column: 4, Message: awkward},
			{File: "/repo/x\xff.yaml", Message: "no line"},
			{File: "/elsewhere/y.yaml", Line: 2, Column: -1, Message: "line only"},
		}}, opts: SARIFOptions{Rules: all, Root: "/repo", Category: awkward, Version: awkward}},
		"every field": {rep: withFindings([]scan.Finding{
			{Rule: sec, Severity: rules.SeverityError, Message: awkward, File: "/repo/a b/c" + awkward + ".yaml", Line: 3, Column: 7, EndColumn: 12,
				Kind: "Deployment" + awkward, Namespace: "ns" + awkward, Name: "app" + awkward, Container: awkward, Environment: "production" + awkward, FieldPath: "spec.x[0]" + awkward},
			{Rule: sec, Severity: rules.SeverityNote, Suppressed: true, Reason: awkward},
			{Rule: plain, Severity: "", Line: 0, Column: 0, File: source.StdinName},
			{Rule: plain, Severity: rules.SeverityWarning, Line: -1, Column: -5, EndColumn: 2, Container: "c"},
			{Rule: sec, Severity: rules.SeverityWarning, Line: 1, Column: 1, Kind: "Deployment" + awkward, Namespace: "ns" + awkward, Name: "app" + awkward, Container: "d"},
			{Rule: sec, Severity: rules.SeverityWarning, Line: 1, Column: 1, Kind: "Deployment", Name: "app", Root: "overlays/" + awkward},
			{Rule: plain, Severity: rules.SeverityWarning, Message: "m", File: "/repo/charts/redis-1.0.0.tgz//redis/templates/s" + awkward + ".yaml", Line: 7, Column: 3},
		}, &scan.Report{Targets: targets, Errors: []source.Error{{File: "/repo/z.yaml", Line: 9, Column: 0, Message: ""}}}),
			opts: SARIFOptions{Rules: all, Root: "/repo", Category: "k8s/apps/", Version: "v1.2.3-rc.1+meta"}},
		"version only": {rep: &scan.Report{Targets: targets}, opts: SARIFOptions{Rules: all, Root: "/repo", Version: "1.2"}},
		"cluster": {rep: withFindings([]scan.Finding{
			{Rule: sec, Severity: rules.SeverityError, Message: awkward, File: "shop/Deployment/web", Kind: "Deployment", Namespace: "shop", Name: "web", Container: "app", Environment: "production", FieldPath: "spec.template.spec.containers[0].image"},
			{Rule: plain, Severity: rules.SeverityNote, File: "shop/Pod/debug", Kind: "Pod", Namespace: "shop", Name: "debug"},
			{Rule: sec, Severity: rules.SeverityWarning, Message: "m", File: "/repo/.slotcheck.yaml", Line: 9, Column: 12, EndColumn: 22, Kind: "SlotcheckConfig", FieldPath: "exemptions[1].expires"},
		}, &scan.Report{Cluster: true, Targets: targets, Errors: []source.Error{{File: "statefulsets.apps", Message: "forbidden"}}}),
			opts: SARIFOptions{Rules: all, Root: "/repo"}},
	}
}

func TestSARIFMatchesEncodingJSON(t *testing.T) {
	for name, c := range sarifCases() {
		t.Run(name, func(t *testing.T) { requireSARIFReference(t, c.rep, c.opts) })
	}
	t.Run("large", func(t *testing.T) {
		if testing.Short() {
			t.Skip("-short: the large report takes seconds to build")
		}
		rep, all, root := largeReport(t)
		requireSARIFReference(t, rep, SARIFOptions{Rules: all, Root: root, Version: "v1.2.3", Category: "k8s/production"})
	})
}

// TestSARIFWritesInvalidUTF8AsTheReplacementCharacter: the log has always
// carried a byte that is not UTF-8 as U+FFFD itself, one per byte, not as
// the escape \ufffd that encoding/json writes.
func TestSARIFWritesInvalidUTF8AsTheReplacementCharacter(t *testing.T) {
	for name, c := range sarifCases() {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			if err := SARIF(&out, c.rep, c.opts); err != nil {
				t.Fatal(err)
			}
			if !utf8.Valid(out.Bytes()) {
				t.Error("the log is not UTF-8")
			}
			if bytes.Contains(out.Bytes(), []byte(`\ufffd`)) {
				t.Error(`the log holds the escape \ufffd`)
			}
			if strings.Contains(name, "field") || strings.Contains(name, "errors") {
				if !bytes.Contains(out.Bytes(), []byte("\uFFFD \uFFFD\uFFFD é")) {
					t.Errorf("awkward text lost its replacement characters:\n%s", out.String())
				}
			}
		})
	}
}

func TestSARIFRefusesAFindingOfARuleNotEvaluated(t *testing.T) {
	rule := &rules.Rule{ID: "SEC001", Domain: "k8s", Environments: []string{"production"}}
	rep := withFindings([]scan.Finding{{Rule: rule}}, &scan.Report{})
	err := SARIF(&bytes.Buffer{}, rep, SARIFOptions{Rules: []*rules.Rule{rule}, Root: "/repo"})
	if err == nil || !strings.Contains(err.Error(), "SEC001") {
		t.Fatalf("got %v, want an error naming SEC001", err)
	}
}

// TestAppendJSONString checks the string writer against encoding/json, with
// HTML escaping (the SARIF log) and without (the JSON report).
func TestAppendJSONString(t *testing.T) {
	inputs := []string{"", "plain", awkward, strings.Repeat(awkward, 3), "\xed\xa0\x80", "\xf4\x90\x80\x80", "end\xe2\x80"}
	for b := range 256 {
		inputs = append(inputs, string([]byte{byte(b)}), "x"+string([]byte{byte(b)})+"y")
	}
	for _, in := range inputs {
		for _, escapeHTML := range []bool{false, true} {
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(escapeHTML)
			if err := enc.Encode(in); err != nil {
				t.Fatal(err)
			}
			if got := string(appendJSONString(nil, in, escapeHTML)); got != strings.TrimSuffix(want.String(), "\n") {
				t.Errorf("%q, escapeHTML %v: got %s, want %s", in, escapeHTML, got, want.String())
			}
		}
	}
}

// TestSARIFPlacesAFindingInAPackedSubchartAtItsArchive: code scanning can
// only show a file of the repository, so a finding inside
// charts/<name>-<version>.tgz is given at the archive's first line, with
// the place inside the archive in the message and a property.
func TestSARIFPlacesAFindingInAPackedSubchartAtItsArchive(t *testing.T) {
	rule := &rules.Rule{ID: "AVL001", Severity: rules.SeverityError, Domain: "k8s", Environments: []string{"production"}}
	tests := []struct {
		name, file, wantURI, wantEntry, wantMessage string
		wantLine                                    int
	}{
		{name: "in an archive", file: "/repo/charts/redis-17.0.0.tgz//redis/templates/statefulset.yaml",
			wantURI: "charts/redis-17.0.0.tgz", wantEntry: "redis/templates/statefulset.yaml:7:3",
			wantMessage: "runs 1 replica (in the archive at redis/templates/statefulset.yaml:7:3)", wantLine: 1},
		{name: "in a folder", file: "/repo/charts/redis/templates/statefulset.yaml",
			wantURI: "charts/redis/templates/statefulset.yaml", wantMessage: "runs 1 replica", wantLine: 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := withFindings([]scan.Finding{
				{Rule: rule, Severity: rules.SeverityError, Message: "runs 1 replica", File: tt.file, Line: 7, Column: 3, Kind: "StatefulSet", Name: "redis"},
			}, &scan.Report{Targets: []scan.Target{{Domain: "k8s", Environment: "production"}}})
			var out bytes.Buffer
			if err := SARIF(&out, rep, SARIFOptions{Rules: []*rules.Rule{rule}, Root: "/repo"}); err != nil {
				t.Fatal(err)
			}
			var log struct {
				Runs []struct {
					Results []sarifResult `json:"results"`
				} `json:"runs"`
			}
			if err := json.Unmarshal(out.Bytes(), &log); err != nil {
				t.Fatal(err)
			}
			r := log.Runs[0].Results[0]
			loc := r.Locations[0].PhysicalLocation
			if loc.ArtifactLocation.URI != tt.wantURI || loc.Region.StartLine != tt.wantLine ||
				r.Properties.ArchiveEntry != tt.wantEntry || r.Message.Text != tt.wantMessage {
				t.Errorf("at %s:%d, archiveEntry %q, message %q; want %s:%d, %q, %q", loc.ArtifactLocation.URI, loc.Region.StartLine,
					r.Properties.ArchiveEntry, r.Message.Text, tt.wantURI, tt.wantLine, tt.wantEntry, tt.wantMessage)
			}
		})
	}
}

// TestSARIFOfACluster: a result of an audit has no physical location, and
// logical locations naming the object as namespace/Kind/name, its
// container and its field; errors name no file. A finding of the audit's
// configuration file is placed in the file, as lint places it.
func TestSARIFOfACluster(t *testing.T) {
	c := sarifCases()["cluster"]
	var buf bytes.Buffer
	if err := SARIF(&buf, c.rep, c.opts); err != nil {
		t.Fatal(err)
	}
	var log sarifLog
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	loc := run.Results[0].Locations[0]
	if loc.PhysicalLocation != nil {
		t.Errorf("physical location %+v, want none", loc.PhysicalLocation)
	}
	want := []sarifLogicalLocation{
		{FullyQualifiedName: "shop/Deployment/web", Kind: "resource", Name: "web"},
		{FullyQualifiedName: "shop/Deployment/web/app", Kind: "member", Name: "app"},
		{FullyQualifiedName: "shop/Deployment/web/spec.template.spec.containers[0].image", Kind: "property", Name: "spec.template.spec.containers[0].image"},
	}
	if !slices.Equal(loc.LogicalLocations, want) {
		t.Errorf("logical locations %+v, want %+v", loc.LogicalLocations, want)
	}
	// The audit's configuration file is a file: its finding is placed in
	// it, at its line.
	if phys := run.Results[2].Locations[0].PhysicalLocation; phys == nil || phys.ArtifactLocation.URI != ".slotcheck.yaml" || phys.Region.StartLine != 9 || phys.Region.StartColumn != 12 {
		t.Errorf("configuration file's finding at %+v, want .slotcheck.yaml:9:12", phys)
	}
	if n := run.Invocations[0].ToolExecutionNotifications; len(n) != 1 || len(n[0].Locations) != 0 {
		t.Errorf("notifications %+v, want one without a location", n)
	}
}
