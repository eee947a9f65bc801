package rules

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/slotwise/slotcheck/policies"
)

// FuzzReadRule feeds arbitrary bytes as a rule's .rego file through OPA's
// parser and the strict METADATA decoding, seeded from every shipped rule.
// Properties: no panic; a rule that reads has an id and a severity; every
// METADATA problem names the file and a line inside it.
func FuzzReadRule(f *testing.F) {
	err := fs.WalkDir(policies.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rego") || strings.HasSuffix(p, "_test.rego") || strings.HasPrefix(p, "lib/") {
			return err
		}
		src, err := fs.ReadFile(policies.FS(), p)
		f.Add(src)
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		const file = "k8s/x/x.rego"
		r, err := ReadRule(fstest.MapFS{file: {Data: src}}, file)
		if err == nil {
			if r.ID == "" || r.Severity == "" {
				t.Fatalf("rule read without an id or severity: %+v", r)
			}
			return
		}
		lines := strings.Count(string(src), "\n") + 1
		for _, e := range unjoin(err) {
			var me *MetadataError
			if !errors.As(e, &me) {
				continue // OPA's parse error, which names its own place
			}
			if me.File != file || me.Line < 1 || me.Line > lines {
				t.Fatalf("METADATA problem at %s:%d, outside the %d lines of %s: %v", me.File, me.Line, lines, file, me)
			}
		}
	})
}

// unjoin lists the errors errors.Join put together, or err alone.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
