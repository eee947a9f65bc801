package audit

import (
	"context"
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
	var findings []string
	objects := 0
	for _, ns := range s.Namespaces() {
		rep, err := s.Judge(context.Background(), ns)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range rep.Findings {
			if f.Namespace != ns {
				t.Errorf("the report of %s holds a finding of %s", ns, f.File)
			}
		}
		findings = append(findings, describe(rep)...)
		objects += rep.Summary.Objects
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

func describe(rep *scan.Report) []string {
	var out []string
	for _, f := range rep.Findings {
		out = append(out, fmt.Sprintf("%s %s %s", f.File, f.Rule.ID, f.FieldPath))
	}
	return out
}
