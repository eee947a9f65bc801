package scan_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/policies"
)

// today is the day the configuration tests run on.
var today = time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)

// testEngine compiles the policies once for the tests that share them.
var testEngine = sync.OnceValues(func() (*rules.Engine, error) {
	return rules.New(context.Background(), policies.FS())
})

// configDeployment is a Deployment that breaks SEC006 in container app and
// uses an image tag only a configuration accepts.
const configDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: billing-api
  namespace: legacy-shop
  annotations:
    slotcheck.slotwise.com/exempt-AVL003: "scaled by KEDA"
    slotcheck.slotwise.com/exempt-AVL003-expires: "%s"
spec:
  template:
    spec:
      containers:
      - name: app
        image: slotwise/app:build-42
        securityContext:
          readOnlyRootFilesystem: false
`

// scanWith writes the Deployment under k8s/ and the configuration at the
// repository's root, and scans k8s/ in production.
func scanWith(t *testing.T, cfg, annotationExpiry string) *scan.Report {
	t.Helper()
	e, err := testEngine()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string]string{
		".git/HEAD":          "ref: refs/heads/main\n",
		"k8s/deploy.yaml":    fmt.Sprintf(configDeployment, annotationExpiry),
		"vendor/ignore.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n",
	}
	if cfg != "" {
		files[".slotcheck.yaml"] = cfg
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := scan.Run(context.Background(), e, scan.Options{Paths: []string{filepath.Join(dir, "k8s"), filepath.Join(dir, "vendor")}, WorkDir: dir, Environment: "production", Now: today})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// finding is the first finding of rule id on the Deployment.
func finding(rep *scan.Report, id string) (scan.Finding, bool) {
	for f := range rep.All() {
		if f.Rule.ID == id && f.File == "k8s/deploy.yaml" {
			return f, true
		}
	}
	return scan.Finding{}, false
}

func TestConfigExemptions(t *testing.T) {
	const reason = "legacy image writes to /var/cache"
	for _, tc := range []struct {
		name       string
		selectors  string
		expires    string
		suppressed bool
		// notes are the EXM findings the configuration itself gets.
		notes []string
	}{
		{name: "rule alone", suppressed: true},
		{name: "kind", selectors: "kinds: [Deployment]", suppressed: true},
		{name: "other kind", selectors: "kinds: [StatefulSet]", notes: []string{"EXM007"}},
		{name: "namespace glob", selectors: "namespaces: [legacy-*]", suppressed: true},
		{name: "other namespace", selectors: "namespaces: [shop]", notes: []string{"EXM007"}},
		{name: "name glob", selectors: "names: [billing-*]", suppressed: true},
		{name: "other name", selectors: "names: [api]", notes: []string{"EXM007"}},
		{name: "container", selectors: "containers: [app]", suppressed: true},
		{name: "other container", selectors: "containers: [sidecar]", notes: []string{"EXM007"}},
		{name: "path relative to the configuration", selectors: "paths: [k8s/**]", suppressed: true},
		{name: "other path", selectors: "paths: [charts/**]", notes: []string{"EXM007"}},
		{name: "every selector", selectors: "kinds: [Deployment]\n    namespaces: [legacy-*]\n    names: [billing-api]\n    containers: [app]\n    paths: [k8s/deploy.yaml]", suppressed: true},
		{name: "expires far", expires: "2027-03-31", suppressed: true},
		{name: "expires today", expires: "2026-12-07", suppressed: true, notes: []string{"EXM006"}},
		{name: "expires within 14 days", expires: "2026-12-21", suppressed: true, notes: []string{"EXM006"}},
		{name: "expired", expires: "2026-12-06", notes: []string{"EXM005"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := "version: 1\nexemptions:\n  - rules: [SEC006]\n    reason: " + reason + "\n"
			if tc.selectors != "" {
				cfg += "    " + tc.selectors + "\n"
			}
			if tc.expires != "" {
				cfg += "    expires: " + tc.expires + "\n"
			}
			rep := scanWith(t, cfg, "")
			if len(rep.Errors) > 0 {
				t.Fatal(rep.Errors)
			}
			f, ok := finding(rep, "SEC006")
			if !ok {
				t.Fatal("no SEC006 finding")
			}
			if f.Suppressed != tc.suppressed || (tc.suppressed && f.Reason != reason) {
				t.Errorf("SEC006 suppressed %v (%q), want %v", f.Suppressed, f.Reason, tc.suppressed)
			}
			var notes []string
			for f := range rep.All() {
				if f.File == ".slotcheck.yaml" {
					notes = append(notes, f.Rule.ID)
				}
			}
			if !slices.Equal(notes, tc.notes) {
				t.Errorf("findings on the configuration %v, want %v", notes, tc.notes)
			}
		})
	}
}

func TestConfigFindingsPlaced(t *testing.T) {
	cfg := "version: 1\nexemptions:\n  - rules: [SEC006]\n    reason: r\n    expires: 2026-01-31\n  - rules: [SEC001]\n    kinds: [Job]\n    reason: unused\n"
	rep := scanWith(t, cfg, "")
	var got []string
	for f := range rep.All() {
		if f.File == ".slotcheck.yaml" {
			got = append(got, fmt.Sprintf("%s:%d:%d %s %s %s", f.File, f.Line, f.Column, f.Rule.ID, f.Severity, f.Message))
		}
	}
	want := []string{
		".slotcheck.yaml:5:14 EXM005 error exemption from SEC006 (r) expired on 2026-01-31, so it exempts nothing: fix the findings and remove it, or write a later date",
		".slotcheck.yaml:6:5 EXM007 note exemption from SEC001 (unused) matched no finding in this scan: remove it, or correct its selectors",
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestAnnotationExpiry(t *testing.T) {
	for _, tc := range []struct {
		expires    string
		suppressed bool
		extra      string
	}{
		{expires: "2027-01-31", suppressed: true},
		{expires: "2026-12-20", suppressed: true, extra: "EXM004"},
		{expires: "2026-12-06", extra: "EXM003"},
		{expires: "soon", extra: "EXM003"},
	} {
		t.Run(tc.expires, func(t *testing.T) {
			rep := scanWith(t, "", tc.expires)
			f, ok := finding(rep, "AVL003")
			if !ok || f.Suppressed != tc.suppressed {
				t.Errorf("AVL003 found %v suppressed %v, want suppressed %v", ok, f.Suppressed, tc.suppressed)
			}
			for _, id := range []string{"EXM003", "EXM004"} {
				if _, ok := finding(rep, id); ok != (id == tc.extra) {
					t.Errorf("%s reported %v", id, ok)
				}
			}
		})
	}
}

func TestConfigRulesAndData(t *testing.T) {
	for _, tc := range []struct {
		name    string
		cfg     string
		id      string
		want    string // severity, "" for no finding
		targets bool   // the rule is still listed as evaluated
	}{
		{name: "no configuration", id: "SEC006", want: "error", targets: true},
		{name: "disabled", cfg: "rules:\n  sec006: {disabled: true}\n", id: "SEC006"},
		{name: "severity", cfg: "rules:\n  SEC006: {severity: note}\n", id: "SEC006", want: "note", targets: true},
		{name: "severity in another environment", cfg: "rules:\n  SEC006: {severity: note, environmentSeverity: {development: warning}}\n", id: "SEC006", want: "note", targets: true},
		{name: "severity in this environment", cfg: "rules:\n  SEC006: {severity: note, environmentSeverity: {production: warning}}\n", id: "SEC006", want: "warning", targets: true},
		{name: "standard tag patterns", id: "IMG002", want: "error", targets: true},
		{name: "configured tag patterns", cfg: "imageTags:\n  immutable: ['^build-[0-9]+$']\n", id: "IMG002", targets: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := ""
			if tc.cfg != "" {
				cfg = "version: 1\n" + tc.cfg
			}
			rep := scanWith(t, cfg, "2027-01-01")
			if len(rep.Errors) > 0 {
				t.Fatal(rep.Errors)
			}
			f, ok := finding(rep, tc.id)
			if got := string(f.Severity); ok != (tc.want != "") || got != tc.want {
				t.Errorf("%s: found %v severity %q, want %q", tc.id, ok, got, tc.want)
			}
			e, _ := testEngine()
			r, _ := e.Rule(tc.id)
			if got := slices.Contains(rep.Evaluated(e.Rules()), r); got != tc.targets {
				t.Errorf("%s listed as evaluated: %v, want %v", tc.id, got, tc.targets)
			}
		})
	}
}

func TestConfigExclude(t *testing.T) {
	for _, tc := range []struct {
		cfg     string
		objects int
	}{
		{cfg: "", objects: 2},
		{cfg: "version: 1\nexclude: [vendor/**]\n", objects: 1},
	} {
		if rep := scanWith(t, tc.cfg, ""); rep.Summary.Objects != tc.objects {
			t.Errorf("config %q: %d objects, want %d", tc.cfg, rep.Summary.Objects, tc.objects)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	rep := scanWith(t, "version: 1\nrules:\n  SEC999: {disabled: true}\nexemptions:\n  - rules: [SEC006]\n    reasn: x\n", "")
	var got []string
	for _, e := range rep.Errors {
		got = append(got, e.Error())
	}
	want := []string{
		".slotcheck.yaml:3:3: unknown rule SEC999: `slotcheck rules` lists the rules",
		".slotcheck.yaml:5:5: exemptions[0]: reason is required",
		`.slotcheck.yaml:6:5: exemptions[0]: unknown key "reasn": want one of containers, expires, kinds, names, namespaces, paths, reason, rules`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("errors\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if rep.Summary.Objects != 2 {
		t.Errorf("%d objects scanned, want every file still scanned", rep.Summary.Objects)
	}
}

// TestBenchConfig keeps the benchmark's configuration valid and doing
// work: it suppresses findings and holds stale exemptions.
func TestBenchConfig(t *testing.T) {
	dir := t.TempDir()
	writeSet(t, dir, 400)
	cfg := filepath.Join(t.TempDir(), ".slotcheck.yaml")
	if err := os.WriteFile(cfg, []byte(benchConfig()), 0o644); err != nil {
		t.Fatal(err)
	}
	e, err := testEngine()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := scan.Run(context.Background(), e, scan.Options{Paths: []string{dir}, WorkDir: dir, Config: cfg, Now: today})
	if err != nil || len(rep.Errors) > 0 {
		t.Fatal(err, rep.Errors)
	}
	stale := 0
	for f := range rep.All() {
		if f.Rule.ID == "EXM007" {
			stale++
		}
	}
	if rep.Summary.Suppressed == 0 || stale == 0 || stale > 10 {
		t.Errorf("%d suppressed, %d stale exemptions of 20: want some of each", rep.Summary.Suppressed, stale)
	}
}
