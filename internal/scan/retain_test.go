package scan

import (
	"strings"
	"testing"
	"unsafe"
)

// Findings that say the same thing keep one copy of it, and none keeps
// the path segments no report writes.
func TestRetainSharesText(t *testing.T) {
	// Built at run time, as the engine's messages are: equal, not shared.
	text := func(s string) string { return strings.Clone(s) }
	fs := []Finding{
		{Message: text("runs as root"), FieldPath: text("spec.securityContext"), Path: []any{"spec", "securityContext"}},
		{Message: text("runs as root"), FieldPath: text("spec.securityContext"), Path: []any{"spec", "securityContext"}},
		{Message: text("no probe"), FieldPath: text("spec.containers[0]"), Path: []any{"spec", "containers", 0}},
	}
	r := newRetainer()
	r.retain(fs[:1])
	r.retain(fs[1:])
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
	for i, f := range fs {
		if f.Path != nil {
			t.Errorf("finding %d keeps its path segments %v", i, f.Path)
		}
	}
	if fs[2].Message != "no probe" || fs[2].FieldPath != "spec.containers[0]" {
		t.Errorf("retained text changed: %q at %q", fs[2].Message, fs[2].FieldPath)
	}
}
