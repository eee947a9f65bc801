package audit

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
)

// rolloutDir holds an Argo Rollout and the configuration that names its
// kind as a workload.
var rolloutDir = filepath.Join("..", "..", "testdata", "workloads", "rollout")

// offspringOfRollout are the ReplicaSet a Rollout's controller creates and
// a Pod of that ReplicaSet: judged through the Rollout, as a Deployment's.
const offspringOfRollout = `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {slotcheck.slotwise.com/environment: production}}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: checkout-7d9
  namespace: shop
  ownerReferences: [{apiVersion: argoproj.io/v1alpha1, kind: Rollout, name: checkout, uid: r1, controller: true}]
spec:
  selector: {matchLabels: {app: checkout}}
  template:
    metadata: {labels: {app: checkout}}
    spec:
      containers: [{name: checkout, image: "slotwise/checkout:latest"}]
---
apiVersion: v1
kind: Pod
metadata:
  name: checkout-7d9-x1
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: checkout-7d9, uid: rs1, controller: true}]
spec:
  containers: [{name: checkout, image: "slotwise/checkout:latest"}]
`

// TestRunConfiguredWorkloads: the workload kinds the configuration names
// are listed, judged at their pod templates with the findings lint gives
// their manifests, and are controllers of what they own; a kind the
// cluster does not serve is an error of its kind, and the rest is still
// audited.
func TestRunConfiguredWorkloads(t *testing.T) {
	src, conf, want := rolloutFixture(t)
	rollout := map[string]bool{"Rollout": true}
	for _, tc := range []struct {
		name    string
		leftOut []string
		// want are the Rollout's findings; targets the objects judged;
		// skipped those judged through their controllers; errors the
		// files of the report's errors.
		want    []string
		targets []string
		skipped int
		errors  []string
	}{
		{name: "served", want: want, targets: []string{"shop/Rollout/checkout"}, skipped: 2},
		{name: "not served", leftOut: []string{"argoproj.io/v1alpha1"}, targets: []string{"shop/ReplicaSet/checkout-7d9"}, skipped: 1,
			errors: []string{"rollouts.argoproj.io"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := newFakeAPI(t, offspringOfRollout+"---\n"+src, tc.leftOut...).audit(t, Options{Configuration: conf})
			if got := findingKeys(rep, rollout); !slices.Equal(got, tc.want) {
				t.Errorf("audit:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
			var targets, errs []string
			for _, x := range rep.Targets {
				targets = append(targets, x.File)
			}
			for _, e := range rep.Errors {
				errs = append(errs, e.File)
			}
			if !slices.Equal(targets, tc.targets) || rep.Summary.Skipped != tc.skipped {
				t.Errorf("targets %v, %d skipped; want %v, %d skipped", targets, rep.Summary.Skipped, tc.targets, tc.skipped)
			}
			if !slices.Equal(errs, tc.errors) {
				t.Errorf("errors %v: want %v", rep.Errors, tc.errors)
			} else if len(errs) > 0 && !strings.Contains(rep.Errors[0].Message, "does not serve argoproj.io/v1alpha1") {
				t.Errorf("error %q: want it to say the cluster does not serve the kind", rep.Errors[0].Message)
			}
		})
	}
}

// TestSessionJudgesConfiguredWorkloads: the webhook's background audit, a
// Session, lists and judges the configured kinds as Run does.
func TestSessionJudgesConfiguredWorkloads(t *testing.T) {
	src, conf, want := rolloutFixture(t)
	profiles, err := rules.BuiltinProfiles()
	if err != nil {
		t.Fatal(err)
	}
	f := newFakeAPI(t, offspringOfRollout+"---\n"+src)
	s, err := Start(context.Background(), newEngine(t), f.cluster(), Options{Profiles: profiles, Configuration: conf})
	if err != nil {
		t.Fatal(err)
	}
	var rep *scan.Report
	err = s.Judge(context.Background(), []string{"shop"}, func(_ string, r *scan.Report) error {
		rep = r
		return nil
	})
	if err != nil || rep == nil {
		t.Fatalf("report %v, err %v", rep, err)
	}
	if got := findingKeys(rep, map[string]bool{"Rollout": true}); !slices.Equal(got, want) {
		t.Errorf("session:\n  %s\nlint:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if rep.Summary.Skipped != 2 || len(s.Errors()) != 0 {
		t.Errorf("%d skipped, errors %v: want 2 skipped, no errors", rep.Summary.Skipped, s.Errors())
	}
}

// rolloutFixture is the Rollout's manifest, its configuration, and the
// Rollout's findings lint gives the manifest in production.
func rolloutFixture(t *testing.T) (src string, conf *scan.Configuration, want []string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(rolloutDir, "rollout.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	confSrc, err := os.ReadFile(filepath.Join(rolloutDir, ".slotcheck.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	lint, err := scan.Run(context.Background(), newEngine(t), scan.Options{
		Paths: []string{filepath.Join(rolloutDir, "rollout.yaml")}, Config: filepath.Join(rolloutDir, ".slotcheck.yaml"), Environment: "production"})
	if err != nil {
		t.Fatal(err)
	}
	want = findingKeys(lint, map[string]bool{"Rollout": true})
	if len(want) == 0 {
		t.Fatal("lint finds nothing in the Rollout: the comparison proves nothing")
	}
	return string(raw), parseConfiguration(t, string(confSrc)), want
}
