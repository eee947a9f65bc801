package source

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// addFixtures seeds a fuzz target with the repository's example files that
// keep: the manifests, values and profiles under testdata/, or its
// Dockerfiles.
func addFixtures(f *testing.F, keep func(path string) bool) {
	f.Helper()
	n := 0
	err := filepath.WalkDir(filepath.Join("..", "..", "testdata"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !keep(p) {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f.Add(src)
		n++
		return nil
	})
	if err != nil {
		f.Fatal(err)
	}
	if n < 5 {
		f.Fatalf("only %d fixtures seed the corpus", n)
	}
}

// lineCount is how many lines a file has: a final line without a newline
// counts, and so does the empty one after a final newline, where a parser
// may place a problem at the end of the file.
func lineCount(src []byte) int { return bytes.Count(src, []byte("\n")) + 1 }

// checkErrors holds every input error to a line of the file, or 0 for one
// that concerns the whole file.
func checkErrors(t *testing.T, res *Result, lines int) {
	t.Helper()
	for _, e := range res.Errors {
		if e.Line < 0 || e.Line > lines || e.Column < 0 {
			t.Errorf("error at %d:%d, outside the file's %d lines: %v", e.Line, e.Column, lines, e)
		}
	}
}

// checkPositions locates every field of an object (and, for a Dockerfile,
// every string of its model as a token) and holds the position to the file.
func checkPositions(t *testing.T, o *Object, lines int) {
	t.Helper()
	if o.Line < 1 || o.Line > lines {
		t.Errorf("object at line %d, outside the file's %d lines", o.Line, lines)
	}
	check := func(path []any, token string) {
		pos := o.Locate(path, token)
		if pos.Line < 1 || pos.Line > lines || pos.Column < 1 || pos.EndColumn < pos.Column {
			t.Errorf("%s located at %d:%d-%d, outside the file's %d lines", FieldPath(path), pos.Line, pos.Column, pos.EndColumn, lines)
		}
	}
	walkValue(o.Value, nil, func(path []any, v ast.Value) {
		token := ""
		if s, ok := v.(ast.String); ok && o.Domain == "dockerfile" {
			token = string(s)
		}
		check(path, token)
		// A finding about a field that is missing points at the nearest
		// field that exists: that too must lie inside the file.
		switch c := v.(type) {
		case ast.Object:
			check(append(clonePath(path), "slotcheck-absent"), "")
		case *ast.Array:
			check(append(clonePath(path), c.Len()), "")
		}
	})
}

// walkValue calls fn with the path and value of every field under v.
func walkValue(v ast.Value, path []any, fn func([]any, ast.Value)) {
	fn(path, v)
	switch c := v.(type) {
	case ast.Object:
		c.Foreach(func(k, e *ast.Term) {
			if key, ok := k.Value.(ast.String); ok {
				walkValue(e.Value, append(clonePath(path), string(key)), fn)
			}
		})
	case *ast.Array:
		for i := range c.Len() {
			walkValue(c.Elem(i).Value, append(clonePath(path), i), fn)
		}
	}
}

// FuzzLoad reads bytes as a manifest: nothing panics, every object's fields
// and every input error lie inside the file, and every object read from
// YAML reads back to the same value from its JSON.
func FuzzLoad(f *testing.F) {
	addFixtures(f, func(p string) bool {
		ext := strings.ToLower(filepath.Ext(p))
		return ext == ".yaml" || ext == ".yml" || ext == ".json"
	})
	f.Fuzz(func(t *testing.T, src []byte) {
		res := Parse("fuzz.yaml", src, Options{})
		lines := lineCount(src)
		checkErrors(t, res, lines)
		for _, o := range res.Objects {
			checkPositions(t, o, lines)
			raw, err := ast.JSON(o.Value)
			if err != nil {
				t.Fatalf("%s: %v", ObjectName(o.Kind, o.Namespace, o.Name), err)
			}
			j, err := json.Marshal(raw)
			if err != nil {
				t.Fatalf("%s: %v", ObjectName(o.Kind, o.Namespace, o.Name), err)
			}
			back := Parse("fuzz.json", j, Options{})
			if len(back.Errors) > 0 || len(back.Objects) != 1 {
				t.Fatalf("%s as JSON reads back as %d objects, errors %v\n%s", ObjectName(o.Kind, o.Namespace, o.Name), len(back.Objects), back.Errors, j)
			}
			if got := back.Objects[0].Value; got.Compare(o.Value) != 0 {
				t.Fatalf("%s: from YAML\n%v\nfrom its JSON\n%v", ObjectName(o.Kind, o.Namespace, o.Name), o.Value, got)
			}
		}
	})
}

// FuzzDockerfile reads bytes as a Dockerfile through BuildKit's parser into
// the model the rules read: nothing panics, and every instruction, token
// and input error lies inside the file.
func FuzzDockerfile(f *testing.F) {
	addFixtures(f, IsDockerfileName)
	f.Fuzz(func(t *testing.T, src []byte) {
		res := Parse("Dockerfile", src, Options{})
		lines := lineCount(src)
		checkErrors(t, res, lines)
		for _, o := range res.Objects {
			checkPositions(t, o, lines)
			walkValue(o.Value, nil, func(path []any, v ast.Value) {
				n, ok := v.(ast.Number)
				if !ok || len(path) == 0 || (path[len(path)-1] != "line" && path[len(path)-1] != "end_line") {
					return
				}
				if i, ok := n.Int(); !ok || i < 1 || i > lines {
					t.Errorf("%s = %v, outside the file's %d lines", FieldPath(path), n, lines)
				}
			})
		}
	})
}
