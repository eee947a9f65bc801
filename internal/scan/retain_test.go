package scan

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/source"
)

// A kept finding expands to the finding it was, but for the path segments
// no report writes, with the names of its object: placed by a scan
// (collect, from the judged object) or added to a report (Add, from the
// finding).
func TestRetainRoundTrip(t *testing.T) {
	rule := &rules.Rule{ID: "SEC001"}
	obj := &source.Object{File: "app.yaml", APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "web", Root: "overlays/prod"}
	for _, tc := range []struct {
		name    string
		finding Finding
	}{
		{name: "plain", finding: Finding{Rule: rule, Severity: rules.SeverityError, Message: "runs as root", File: "app.yaml", Line: 12, Column: 9, EndColumn: 21, FieldPath: "spec.securityContext"}},
		{name: "suppressed with a container", finding: Finding{Rule: rule, Severity: rules.SeverityWarning, Message: "m", File: "base/app.yaml", Line: 3, Column: 1, Container: "init", FieldPath: "spec.initContainers[0]", Suppressed: true, Reason: "vendor image"}},
		{name: "baselined", finding: Finding{Rule: rule, Severity: rules.SeverityError, Message: "m", File: "app.yaml", Line: 4, Suppressed: true, Baselined: true, Reason: "baselined in old.json"}},
		{name: "no position", finding: Finding{Rule: rule, Severity: rules.SeverityNote, Message: "m"}},
	} {
		in := tc.finding
		in.APIVersion, in.Kind, in.Namespace, in.Name, in.Root, in.Environment = obj.APIVersion, obj.Kind, obj.Namespace, obj.Name, obj.Root, "staging"
		in.Path = []any{"spec", 0}
		want := in
		want.Path = nil
		t.Run(tc.name+", placed by a scan", func(t *testing.T) {
			keep := newRetainer()
			rep := &Report{}
			collect(rep, keep, []target{{obj: obj}}, []verdict{{env: "staging", kept: keep.keep([]Finding{in})}}, nil, nil)
			if rep.Len() != 1 || !reflect.DeepEqual(rep.At(0), want) {
				t.Errorf("got %d findings, the first %+v\nwant %+v", rep.Len(), rep.At(0), want)
			}
		})
		t.Run(tc.name+", added", func(t *testing.T) {
			rep := NewReport(in)
			if rep.Len() != 1 || !reflect.DeepEqual(rep.At(0), want) {
				t.Errorf("got %d findings, the first %+v\nwant %+v", rep.Len(), rep.At(0), want)
			}
		})
	}
}

// Findings that say the same thing keep one copy of it.
func TestRetainSharesText(t *testing.T) {
	// Built at run time, as the engine's messages are: equal, not shared.
	text := func(s string) string { return strings.Clone(s) }
	rep := NewReport(
		Finding{Kind: "Pod", Message: text("runs as root"), FieldPath: text("spec.securityContext")},
		Finding{Kind: "Pod", Message: text("runs as root"), FieldPath: text("spec.securityContext")},
		Finding{Kind: "Pod", Message: text("no probe"), FieldPath: text("spec.containers[0]")},
	)
	fs := slices.Collect(rep.All())
	for _, tc := range []struct {
		name       string
		a, b       string
		wantShared bool
	}{
		{name: "equal messages", a: fs[0].Message, b: fs[1].Message, wantShared: true},
		{name: "equal field paths", a: fs[0].FieldPath, b: fs[1].FieldPath, wantShared: true},
		{name: "different messages", a: fs[0].Message, b: fs[2].Message, wantShared: false},
	} {
		if shared := unsafe.StringData(tc.a) == unsafe.StringData(tc.b); shared != tc.wantShared {
			t.Errorf("%s: %q and %q shared %v, want %v", tc.name, tc.a, tc.b, shared, tc.wantShared)
		}
	}
}

// A kept finding is what makes a large report fit: a sixth of a Finding.
func TestKeptFindingSize(t *testing.T) {
	if got, limit := unsafe.Sizeof(keptFinding{}), uintptr(40); got > limit {
		t.Errorf("keptFinding is %d bytes, want at most %d", got, limit)
	}
}

// TestRetainCoversFinding: every field of a Finding is either kept by a
// report (in its keptFinding or its object's subject), or named here as one
// it drops on purpose; a field added to Finding fails this test until
// retain.go, findings.go and TestRetainRoundTrip carry it.
func TestRetainCoversFinding(t *testing.T) {
	carried := []string{"Rule", "Severity", "Message", "File", "Line", "Column", "EndColumn", "APIVersion", "Kind", "Namespace", "Name", "Container", "Environment", "FieldPath", "Suppressed", "Baselined", "Reason", "Root"}
	dropped := map[string]string{
		"Path": "no report writes the segments",
	}
	typ := reflect.TypeFor[Finding]()
	var fields []string
	for i := range typ.NumField() {
		name := typ.Field(i).Name
		if _, ok := dropped[name]; !ok {
			fields = append(fields, name)
		}
	}
	if !slices.Equal(sorted(fields), sorted(carried)) {
		t.Errorf("Finding's fields %v, a report carries %v: keep a new field in keptFinding or its subject, or say why it is dropped", fields, carried)
	}
}

func sorted(s []string) []string { return slices.Sorted(slices.Values(s)) }

// A kept message holds its own bytes, not the larger buffer the engine
// built it in.
func TestRetainCopiesText(t *testing.T) {
	buf := strings.Repeat("x", 4096)
	msg := buf[:12]
	rep := NewReport(Finding{Kind: "Pod", Message: msg})
	got := rep.At(0).Message
	if got != msg || unsafe.StringData(got) == unsafe.StringData(buf) {
		t.Errorf("kept %q at the buffer's bytes: %v; want a copy of %q", got, unsafe.StringData(got) == unsafe.StringData(buf), msg)
	}
}
