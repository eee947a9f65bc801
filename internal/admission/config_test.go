package admission

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	admissionv1 "k8s.io/api/admission/v1"
	"sigs.k8s.io/yaml"

	"github.com/slotwise/slotcheck/internal/rules"
)

// configToday is the day the configuration tests run on.
var configToday = time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)

// configObject is the compliant Deployment broken twice: SEC006 in
// container auth-service, and IMG002 by a tag only a configuration
// accepts; annotations are added to its metadata.
func configObject(t testing.TB, annotations string) []byte {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(repo(t), compliant))
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.NewReplacer(
		"readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false",
		"image: slotwise/auth-service:v1.2.3", "image: slotwise/auth-service:build-42",
		"  namespace: slotwise\n", "  namespace: slotwise\n  annotations: {"+annotations+"}\n",
	).Replace(strings.Split(string(src), "\n---\n")[0])
	j, err := yaml.YAMLToJSON([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// configured is a handler applying the configuration file written at
// path, with the source that reloads it and its registry.
type configured struct {
	h    *Handler
	src  *ConfigSource
	reg  *prometheus.Registry
	path string
}

// newConfigured writes cfg and starts a handler on it; the namespace
// slotwise is in env.
func newConfigured(t testing.TB, engine *rules.Engine, cfg string, mode ExemptionMode, env string) *configured {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	now := func() time.Time { return configToday }
	src, err := NewConfigSource(ConfigSourceOptions{Path: path, Known: func(id string) bool { _, ok := engine.Rule(id); return ok }, Exemptions: mode, Now: now}, reg, logr.Discard())
	if err != nil {
		t.Fatal(err)
	}
	h, _ := handlerWith(t, engine, &cluster{labels: map[string]map[string]string{"slotwise": {EnvironmentLabel: env}}},
		Config{Configuration: src, Exemptions: mode, Now: now})
	return &configured{h: h, src: src, reg: reg, path: path}
}

// review sends the object and returns the denial and the warnings.
func (c *configured) review(t *testing.T, obj []byte) (allowed bool, denial string, warnings []string) {
	t.Helper()
	resp := c.h.Handle(t.Context(), request("Deployment", "deployments", "slotwise", admissionv1.Create, obj, nil))
	if resp.Result != nil {
		denial = resp.Result.Message
	}
	return resp.Allowed, denial, resp.Warnings
}

// lineOf is the first of lines that names rule id, "" when none does.
func lineOf(lines []string, id string) string {
	for _, l := range lines {
		if strings.Contains(l, "["+id+"]") {
			return l
		}
	}
	return ""
}

// exemption is a configuration exempting SEC006 with the selectors given.
func exemption(selectors string) string {
	return "version: 1\nexemptions:\n- rules: [SEC006]\n  reason: legacy cache\n" + selectors
}

func TestConfigExemptionSelectors(t *testing.T) {
	engine := compile(t)
	obj := configObject(t, "")
	for _, tc := range []struct {
		name      string
		selectors string
		exempt    bool
	}{
		{name: "rule only", exempt: true},
		{name: "kind", selectors: "  kinds: [Deployment]\n", exempt: true},
		{name: "other kind", selectors: "  kinds: [StatefulSet]\n"},
		{name: "namespace glob", selectors: "  namespaces: ['slot*']\n", exempt: true},
		{name: "other namespace", selectors: "  namespaces: ['legacy-*']\n"},
		{name: "name glob", selectors: "  names: ['auth-*']\n", exempt: true},
		{name: "other name", selectors: "  names: [billing]\n"},
		{name: "container", selectors: "  containers: [auth-service]\n", exempt: true},
		{name: "other container", selectors: "  containers: [sidecar]\n"},
		{name: "every selector", selectors: "  kinds: [Deployment]\n  namespaces: [slotwise]\n  names: [auth-service]\n  containers: ['auth-*']\n", exempt: true},
		{name: "one selector off", selectors: "  kinds: [Deployment]\n  namespaces: [slotwise]\n  names: [other]\n"},
		{name: "paths never match in the cluster", selectors: "  paths: ['**']\n"},
		{name: "far expiry", selectors: "  expires: 2027-06-30\n", exempt: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newConfigured(t, engine, exemption(tc.selectors), ExemptionsBoth, "production")
			_, denial, warnings := c.review(t, obj)
			if denied := strings.Contains(denial, "[SEC006]"); denied == tc.exempt {
				t.Errorf("SEC006 denied %v, want %v:\n%s", denied, !tc.exempt, denial)
			}
			if !strings.Contains(denial, "[IMG002]") {
				t.Errorf("IMG002 not denied (only SEC006 is exempted):\n%s", denial)
			}
			if l := lineOf(warnings, "SEC006"); l != "" {
				t.Errorf("warning about SEC006: %s", l)
			}
		})
	}
}

func TestConfigExemptionExpiry(t *testing.T) {
	engine := compile(t)
	obj := configObject(t, "")
	for _, tc := range []struct {
		name    string
		expires string
		denied  bool
		// denial and warning are what SEC006's line says, in the denial or
		// in the warnings.
		denial, warning []string
	}{
		{name: "past", expires: "2026-12-06", denied: true,
			denial: []string{"[SEC006]", "[not exempted by the configuration file (legacy cache): [EXM005] exemption from SEC006 (legacy cache) expired on 2026-12-06"}},
		{name: "near", expires: "2026-12-10",
			warning: []string{"[SEC006]", "[exempted by the configuration file (legacy cache): [EXM006] exemption from SEC006 (legacy cache) expires on 2026-12-10"}},
		{name: "today is still in date", expires: "2026-12-07",
			warning: []string{"[EXM006]"}},
		{name: "far", expires: "2027-12-31"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newConfigured(t, engine, exemption("  expires: "+tc.expires+"\n"), ExemptionsBoth, "production")
			_, denial, warnings := c.review(t, obj)
			line := lineOf(strings.Split(denial, "\n"), "SEC006")
			if (line != "") != tc.denied {
				t.Fatalf("SEC006 denied %v, want %v:\n%s", line != "", tc.denied, denial)
			}
			for _, want := range tc.denial {
				if !strings.Contains(line, want) {
					t.Errorf("denial line %q lacks %q", line, want)
				}
			}
			warning := lineOf(warnings, "SEC006")
			if (warning != "") != (len(tc.warning) > 0) {
				t.Errorf("SEC006 warning %q, want one: %v", warning, len(tc.warning) > 0)
			}
			for _, want := range tc.warning {
				if !strings.Contains(warning, want) {
					t.Errorf("warning %q lacks %q", warning, want)
				}
			}
		})
	}
}

func TestConfigSeverityPerEnvironment(t *testing.T) {
	engine := compile(t)
	obj := configObject(t, "")
	cfg := "version: 1\nrules:\n  SEC006:\n    severity: warning\n    environmentSeverity: {production: error}\n  IMG002: {disabled: true}\n"
	for _, tc := range []struct {
		env    string
		denied bool
	}{
		{env: "production", denied: true},
		{env: "staging"},
		{env: "development"},
	} {
		t.Run(tc.env, func(t *testing.T) {
			c := newConfigured(t, engine, cfg, ExemptionsBoth, tc.env)
			allowed, denial, warnings := c.review(t, obj)
			if denied := strings.Contains(denial, "[SEC006]"); denied != tc.denied {
				t.Errorf("SEC006 denied %v, want %v:\n%s", denied, tc.denied, denial)
			}
			if warned := lineOf(warnings, "SEC006") != ""; warned == tc.denied {
				t.Errorf("SEC006 warned %v, want %v: %v", warned, !tc.denied, warnings)
			}
			if strings.Contains(denial, "[IMG002]") || lineOf(warnings, "IMG002") != "" {
				t.Errorf("IMG002 reported though disabled: %s %v", denial, warnings)
			}
			if allowed == tc.denied {
				t.Errorf("allowed %v", allowed)
			}
		})
	}
}

func TestConfigImageTags(t *testing.T) {
	engine := compile(t)
	obj := configObject(t, "")
	for _, tc := range []struct {
		name, cfg string
		denied    bool
	}{
		{name: "standard tags", cfg: "version: 1\n", denied: true},
		{name: "configured tags", cfg: "version: 1\nimageTags:\n  immutable: ['^build-[0-9]+$']\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newConfigured(t, engine, tc.cfg, ExemptionsBoth, "production")
			_, denial, _ := c.review(t, obj)
			if denied := strings.Contains(denial, "[IMG002]"); denied != tc.denied {
				t.Errorf("IMG002 denied %v, want %v:\n%s", denied, tc.denied, denial)
			}
		})
	}
}

func TestExemptionModes(t *testing.T) {
	engine := compile(t)
	annotated := configObject(t, `"slotcheck.slotwise.com/exempt-SEC006": "team says fine"`)
	img := "version: 1\nexemptions:\n- rules: [IMG002]\n  reason: tag pinned by the release job\n"
	for _, tc := range []struct {
		name           string
		mode           ExemptionMode
		sec006, img002 bool // denied
	}{
		{name: "both", mode: ExemptionsBoth},
		{name: "config refuses the annotation", mode: ExemptionsConfig, sec006: true},
		{name: "annotations ignore the file", mode: ExemptionsAnnotations, img002: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newConfigured(t, engine, img, tc.mode, "production")
			_, denial, _ := c.review(t, annotated)
			if got := strings.Contains(denial, "[SEC006]"); got != tc.sec006 {
				t.Errorf("SEC006 denied %v, want %v:\n%s", got, tc.sec006, denial)
			}
			if got := strings.Contains(denial, "[IMG002]"); got != tc.img002 {
				t.Errorf("IMG002 denied %v, want %v:\n%s", got, tc.img002, denial)
			}
			if tc.sec006 {
				line := lineOf(strings.Split(denial, "\n"), "SEC006")
				want := `[annotation exemption ignored (team says fine): only the configuration file may exempt in this cluster]`
				if !strings.Contains(line, want) {
					t.Errorf("denial line %q does not say %q", line, want)
				}
			}
		})
	}
}

// TestConfigModeWithoutFile: in config mode without a file nothing
// exempts, and the denial says why the annotation did not.
func TestConfigModeWithoutFile(t *testing.T) {
	h, _ := newHandler(t, &cluster{}, Config{Exemptions: ExemptionsConfig, Now: func() time.Time { return configToday }})
	resp := h.Handle(t.Context(), request("Deployment", "deployments", "slotwise", admissionv1.Create,
		configObject(t, `"slotcheck.slotwise.com/exempt-SEC006": "team says fine"`), nil))
	if resp.Allowed || !strings.Contains(resp.Result.Message, "[SEC006]") || !strings.Contains(resp.Result.Message, "annotation exemption ignored (team says fine)") {
		t.Errorf("response %v: want SEC006 denied, the annotation ignored", resp.Result)
	}
}

func TestConfigReload(t *testing.T) {
	engine := compile(t)
	obj := configObject(t, "")
	c := newConfigured(t, engine, "version: 1\n", ExemptionsBoth, "production")
	loads := func(result string) float64 {
		t.Helper()
		return testutil.ToFloat64(c.src.metrics.loads.WithLabelValues(result))
	}
	write := func(cfg string) {
		t.Helper()
		if err := os.WriteFile(c.path, []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sec006 := func() bool {
		t.Helper()
		_, denial, _ := c.review(t, obj)
		return strings.Contains(denial, "[SEC006]")
	}
	if !sec006() || loads("success") != 1 {
		t.Fatalf("start: SEC006 denied %v, loads %v, want denied and 1", sec006(), loads("success"))
	}

	// Good: the exemption is in force at once.
	write(exemption(""))
	if changed, err := c.src.Reload(); !changed || err != nil {
		t.Fatalf("reload good: changed %v, %v", changed, err)
	}
	if sec006() {
		t.Error("SEC006 denied after the exemption was loaded")
	}

	// Bad: refused at its line, counted, and the last good file stays.
	write(exemption("  expires: 2027-02-30\n"))
	_, err := c.src.Reload()
	if err == nil || !strings.Contains(err.Error(), c.path+":5:12: exemptions[0].expires: date \"2027-02-30\"") {
		t.Fatalf("reload bad: %v, want the problem at its line", err)
	}
	if loads("failure") != 1 || testutil.ToFloat64(c.src.metrics.healthy) != 0 {
		t.Errorf("failures %v, healthy %v: want 1 and 0", loads("failure"), testutil.ToFloat64(c.src.metrics.healthy))
	}
	if sec006() {
		t.Error("SEC006 denied: the bad reload dropped the last good configuration")
	}
	// Unchanged content is not read again: no second failure.
	if changed, _ := c.src.Reload(); changed || loads("failure") != 1 {
		t.Errorf("unchanged file: changed %v, failures %v", changed, loads("failure"))
	}
	// An unknown rule is refused too, as the CLI refuses it.
	write("version: 1\nrules:\n  NOPE001: {disabled: true}\n")
	if _, err := c.src.Reload(); err == nil || !strings.Contains(err.Error(), c.path+":3:3: unknown rule NOPE001") {
		t.Errorf("unknown rule: %v", err)
	}

	// Good again: the exemption is gone.
	write("version: 1\n")
	if _, err := c.src.Reload(); err != nil {
		t.Fatal(err)
	}
	if !sec006() {
		t.Error("SEC006 not denied after the exemption was removed")
	}
	if loads("success") != 3 || loads("failure") != 2 || testutil.ToFloat64(c.src.metrics.healthy) != 1 {
		t.Errorf("successes %v, failures %v, healthy %v: want 3, 2, 1", loads("success"), loads("failure"), testutil.ToFloat64(c.src.metrics.healthy))
	}
	if got := testutil.ToFloat64(c.src.metrics.lastSuccess); got != float64(configToday.Unix()) {
		t.Errorf("last success %v", got)
	}
}

func TestConfigSourceRefusesBadFile(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{name: "strict decoding", src: "version: 1\nexclud: [a]\n", want: ":2:1: configuration: unknown key \"exclud\""},
		{name: "missing", want: ": configuration: no such file or directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.yaml")
			if tc.src != "" {
				if err := os.WriteFile(path, []byte(tc.src), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, err := NewConfigSource(ConfigSourceOptions{Path: path}, prometheus.NewRegistry(), logr.Discard())
			if err == nil || !strings.Contains(err.Error(), path+tc.want) {
				t.Errorf("error %v, want %q", err, path+tc.want)
			}
		})
	}
}

func TestParseExemptionMode(t *testing.T) {
	for in, want := range map[string]ExemptionMode{"config": ExemptionsConfig, " Both ": ExemptionsBoth, "annotations": ExemptionsAnnotations, "annotation": ""} {
		got, err := ParseExemptionMode(in)
		if got != want || (err != nil) != (want == "") {
			t.Errorf("%q: %q, %v", in, got, err)
		}
	}
}

// TestConfigModeBothExempt: in config mode a finding the file exempts is
// exempted, with no word of the annotation that also covers it.
func TestConfigModeBothExempt(t *testing.T) {
	c := newConfigured(t, compile(t), exemption("")+"- rules: [IMG002]\n  reason: release job\n", ExemptionsConfig, "production")
	allowed, denial, warnings := c.review(t, configObject(t, `"slotcheck.slotwise.com/exempt-SEC006": "team says fine"`))
	if !allowed || lineOf(warnings, "SEC006") != "" {
		t.Errorf("allowed %v (%s), SEC006 warning %q: want allowed without one", allowed, denial, lineOf(warnings, "SEC006"))
	}
}

// TestReloadDuringReviews: reviews running while the file is reloaded each
// see one whole file: both exemptions or neither, never one of the two.
func TestReloadDuringReviews(t *testing.T) {
	both := exemption("") + "- rules: [IMG002]\n  reason: release job\n"
	c := newConfigured(t, compile(t), both, ExemptionsBoth, "production")
	obj := configObject(t, "")
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 40 {
			cfg := both
			if i%2 == 0 {
				cfg = "version: 1\n"
			}
			if err := os.WriteFile(c.path, []byte(cfg), 0o644); err != nil {
				t.Error(err)
				return
			}
			if _, err := c.src.Reload(); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for range 40 {
		allowed, denial, _ := c.review(t, obj)
		sec, img := strings.Contains(denial, "[SEC006]"), strings.Contains(denial, "[IMG002]")
		if allowed == (sec || img) || sec != img {
			t.Errorf("allowed %v, SEC006 denied %v, IMG002 denied %v: half a configuration", allowed, sec, img)
		}
	}
	<-done
}
