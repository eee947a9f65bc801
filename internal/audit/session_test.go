package audit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
)

// TestSessionJudgesAsRun: judging a session's namespaces one by one finds,
// namespace by namespace, what one Run finds, and each namespace's report
// holds that namespace alone.
func TestSessionJudgesAsRun(t *testing.T) {
	f := newFakeAPI(t, cluster)
	whole := f.audit(t, Options{})
	profiles, err := rules.BuiltinProfiles()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Start(context.Background(), newEngine(t), f.cluster(), Options{Profiles: profiles})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Namespaces(); !slices.Equal(got, []string{"shop-prod", "tools"}) {
		t.Fatalf("namespaces %v, want [shop-prod tools]", got)
	}
	var findings, judged []string
	objects := 0
	err = s.Judge(context.Background(), s.Namespaces(), func(ns string, rep *scan.Report) error {
		judged = append(judged, ns)
		for f := range rep.All() {
			if f.Namespace != ns {
				t.Errorf("the report of %s holds a finding of %s", ns, f.File)
			}
		}
		findings = append(findings, describe(rep)...)
		objects += rep.Summary.Objects
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(judged, s.Namespaces()) {
		t.Errorf("judged %v, want %v", judged, s.Namespaces())
	}
	if want := describe(whole); !slices.Equal(findings, want) {
		t.Errorf("session findings:\n%s\nRun's:\n%s", strings.Join(findings, "\n"), strings.Join(want, "\n"))
	}
	if len(findings) == 0 || objects != whole.Summary.Objects {
		t.Errorf("%d findings in %d objects, Run's %d objects", len(findings), objects, whole.Summary.Objects)
	}
	if len(s.Errors()) != 0 {
		t.Errorf("errors %v", s.Errors())
	}
}

// TestStartFailsWithoutNamespaces: a session that cannot list namespaces
// is an error, not an audit of none.
func TestStartFailsWithoutNamespaces(t *testing.T) {
	f := newFakeAPI(t, cluster)
	f.forbidden = map[string]bool{"namespaces": true}
	profiles, err := rules.BuiltinProfiles()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Start(context.Background(), newEngine(t), f.cluster(), Options{Profiles: profiles}); err == nil || !strings.Contains(err.Error(), "forbidden") {
		t.Errorf("err %v, want the namespaces' forbidden error", err)
	}
}

// TestSessionListsEachKindOnce: a session lists each kind once for all the
// namespaces it judges, in pages, as Run does, not once per namespace (a
// hundred namespaces would be a hundred LISTs of each kind, at a client's
// rate limit), and hands each namespace judged, and only those, its own
// report.
func TestSessionListsEachKindOnce(t *testing.T) {
	var docs strings.Builder
	namespaces := []string{"a-prod", "b-prod", "c-prod", "d-prod"}
	for _, ns := range namespaces {
		docs.WriteString("---\napiVersion: v1\nkind: Namespace\nmetadata: {name: " + ns + "}\n")
		for _, n := range []string{"api", "web"} {
			docs.WriteString("---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + n + ", namespace: " + ns + "}\nspec:\n  template:\n    spec:\n      containers: [{name: app, image: app}]\n")
		}
	}
	tests := []struct {
		name  string
		names []string
		want  []listCall
	}{
		{name: "every namespace", names: namespaces, want: []listCall{
			{resource: "deployments", limit: 3},
			{resource: "deployments", cont: "3", limit: 3},
			{resource: "deployments", cont: "6", limit: 3},
		}},
		{name: "some namespaces, as an excluded one is left out", names: []string{"a-prod", "c-prod"}, want: []listCall{
			{resource: "deployments", limit: 3},
			{resource: "deployments", cont: "3", limit: 3},
			{resource: "deployments", cont: "6", limit: 3},
		}},
	}
	profiles, err := rules.BuiltinProfiles()
	if err != nil {
		t.Fatal(err)
	}
	engine := newEngine(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t, docs.String())
			s, err := Start(context.Background(), engine, api.cluster(), Options{Profiles: profiles, ChunkSize: 3})
			if err != nil {
				t.Fatal(err)
			}
			var judged []string
			err = s.Judge(context.Background(), tt.names, func(ns string, rep *scan.Report) error {
				var got []string
				for _, target := range rep.Targets {
					got = append(got, target.File)
				}
				if want := []string{ns + "/Deployment/api", ns + "/Deployment/web"}; !slices.Equal(got, want) {
					t.Errorf("%s judged %v, want %v", ns, got, want)
				}
				judged = append(judged, ns)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(judged, tt.names) {
				t.Errorf("judged %v, want %v", judged, tt.names)
			}
			if calls := api.calls("deployments"); !slices.Equal(calls, tt.want) {
				t.Errorf("LISTs of deployments %+v, want %+v", calls, tt.want)
			}
		})
	}
}

// TestSessionJudgeStopsOnError: an error the caller returns for a
// namespace stops the session there and is Judge's.
func TestSessionJudgeStopsOnError(t *testing.T) {
	f := newFakeAPI(t, cluster)
	profiles, err := rules.BuiltinProfiles()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Start(context.Background(), newEngine(t), f.cluster(), Options{Profiles: profiles})
	if err != nil {
		t.Fatal(err)
	}
	stop := errors.New("publishing failed")
	calls := 0
	err = s.Judge(context.Background(), s.Namespaces(), func(string, *scan.Report) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("err %v after %d namespaces, want %v after 1", err, calls, stop)
	}
}

func describe(rep *scan.Report) []string {
	var out []string
	for f := range rep.All() {
		out = append(out, fmt.Sprintf("%s %s %s", f.File, f.Rule.ID, f.FieldPath))
	}
	return out
}
