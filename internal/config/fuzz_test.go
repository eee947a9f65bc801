package config

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzConfig: whatever the file holds, Parse never panics, accepts only a
// version 1 file, and places every problem on a line of the file, as YAML
// counts lines (yamlLines).
//
//	go test ./internal/config -run '^$' -fuzz FuzzConfig -fuzztime 1m
func FuzzConfig(f *testing.F) {
	paths, err := filepath.Glob("testdata/*.y*ml")
	if err != nil || len(paths) == 0 {
		f.Fatalf("no seed configurations in testdata: %v", err)
	}
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte("version: 1\nexemptions: [{rules: [a], reason: r, expires: 2027-02-29}]\n"))
	f.Add([]byte("version: 1\nrules: {x: &a {disabled: true}, y: *a}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		file, errs := Parse(src, "x.yaml")
		lines := yamlLines(src)
		for _, e := range errs {
			if e.Line < 0 || e.Line > lines {
				t.Errorf("problem at line %d of a %d-line file: %v", e.Line, lines, e)
			}
		}
		if len(errs) == 0 {
			if file == nil || file.Version != Version {
				t.Errorf("accepted a file without version %d: %+v", Version, file)
			}
			for _, e := range file.Exemptions {
				if len(e.Rules) == 0 || e.Reason == "" {
					t.Errorf("accepted an exemption without rules or reason: %+v", e)
				}
			}
		}
	})
}

// yamlLines is how many lines YAML (and so every position slotcheck
// reports) counts in src: CR LF, a lone CR, LF and the Unicode breaks NEL,
// LS and PS each end a line. It differs from a count of LFs only in files
// with lone CRs or those Unicode breaks.
func yamlLines(src []byte) int {
	n := 1
	for i := 0; i < len(src); i++ {
		switch {
		case src[i] == '\r' && i+1 < len(src) && src[i+1] == '\n':
			i++
			n++
		case src[i] == '\r', src[i] == '\n':
			n++
		case bytes.HasPrefix(src[i:], []byte("\u0085")), bytes.HasPrefix(src[i:], []byte("\u2028")), bytes.HasPrefix(src[i:], []byte("\u2029")):
			n++
		}
	}
	return n
}
