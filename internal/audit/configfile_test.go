package audit

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slotwise/slotcheck/internal/config"
	"github.com/slotwise/slotcheck/internal/scan"
)

// exemptionsConfig holds an expired exemption (EXM005), one expiring in
// three days that covers the Deployment's latest tag (EXM006), one
// matching nothing (EXM007), one by path, which matches nothing in a
// cluster, and one for namespaces the cluster does not have.
const exemptionsConfig = `version: 1
exemptions:
- rules: [IMG001]
  reason: old vendor image
  expires: 2026-11-30
- rules: [IMG001]
  reason: vendor image, SLOT-9
  namespaces: [shop-prod]
  expires: 2026-12-10
- rules: [SEC006]
  reason: nothing is named so
  names: [nothing-*]
- rules: [IMG001]
  reason: vendored charts
  paths: ['charts/**']
- rules: [IMG001]
  reason: staging uses latest
  namespaces: ['staging-*']
`

// TestRunReportsConfigurationFindingsAsLint: an audit with a configuration
// file reports the file's own exemptions (EXM005 to EXM007) as lint does
// for the same objects, with the same ids and messages at the same lines
// of the file, except the exemptions out of the audit's reach: one by
// path, and in an audit of one namespace one for another namespace; and
// an audit that could not read a kind calls none stale.
func TestRunReportsConfigurationFindingsAsLint(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	path := filepath.Join(dir, ".slotcheck.yaml")
	if err := os.WriteFile(path, []byte(exemptionsConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	manifest := filepath.Join(dir, "web.yaml")
	docs := strings.SplitN(cluster, "\n---\n", 4)
	// The Deployment of shop-prod, as a file lint reads.
	if err := os.WriteFile(manifest, []byte(docs[2]), 0o644); err != nil {
		t.Fatal(err)
	}
	lint, err := scan.Run(context.Background(), newEngine(t), scan.Options{Paths: []string{manifest}, Config: path, Now: now, WorkDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	f, errs := config.Load(path, "audit/.slotcheck.yaml")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	conf := scan.NewConfiguration(f)
	tests := []struct {
		name, namespace string
		forbidden       string
		// notStale are the exemptions' lines lint calls stale and the
		// audit does not.
		notStale []int
	}{
		{name: "every namespace", notStale: []int{13}},
		{name: "one namespace", namespace: "shop-prod", notStale: []int{13, 16}},
		{name: "a kind not read", forbidden: "cronjobs", notStale: []int{10, 13, 16}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t, cluster)
			if tt.forbidden != "" {
				api.forbidden[tt.forbidden] = true
			}
			rep := api.audit(t, Options{Now: now, Configuration: conf, Namespace: tt.namespace})
			var want []string
			for _, f := range configFindings(lint) {
				if !slices.ContainsFunc(tt.notStale, func(line int) bool { return strings.HasPrefix(f, fmt.Sprintf("%d:", line)) }) {
					want = append(want, f)
				}
			}
			if got := configFindings(rep); !slices.Equal(got, want) {
				t.Errorf("audit:\n  %s\nlint:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
			for _, id := range []string{"EXM005", "EXM006", "EXM007"} {
				if !slices.ContainsFunc(configFindings(lint), func(f string) bool { return strings.Contains(f, " "+id+" ") }) {
					t.Errorf("lint reports no %s: the comparison proves nothing", id)
				}
			}
			for f := range rep.All() {
				if f.Kind == config.Kind && f.File != "audit/.slotcheck.yaml" {
					t.Errorf("%s in %q, want the configuration file's name", f.Rule.ID, f.File)
				}
			}
			if !slices.ContainsFunc(rep.Targets, func(t scan.Target) bool { return t.Domain == "config" }) {
				t.Error("the configuration file is not among the targets judged")
			}
		})
	}
}

// configFindings are a report's findings about configuration files:
// line:column, rule id, message.
func configFindings(rep *scan.Report) []string {
	var out []string
	for f := range rep.All() {
		if f.Kind == config.Kind {
			out = append(out, fmt.Sprintf("%d:%d %s %s", f.Line, f.Column, f.Rule.ID, f.Message))
		}
	}
	slices.Sort(out)
	return out
}
