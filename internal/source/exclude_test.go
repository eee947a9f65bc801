package source

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestExclude pins what --exclude means (README): without a slash a glob
// matches a file or folder name, with one the path relative to the folder
// scanned (or to the working directory); ** spans folders; a bad glob is an
// input error that stops nothing else.
func TestExclude(t *testing.T) {
	dir := t.TempDir()
	files := []string{
		"a.yaml", "b.json", "app/w.yml", "app/test/t.yaml", "app/base/test/u.yaml",
		"test/v.yaml", "vendor/x.yaml", "vendor/deep/y.yaml",
	}
	tree := map[string]string{}
	for i, f := range files {
		tree[f] = fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c%d}\n", i)
	}
	write(t, dir, tree)
	without := func(excluded ...string) []string {
		var out []string
		for _, f := range files {
			if !slices.Contains(excluded, f) {
				out = append(out, f)
			}
		}
		return out
	}
	tests := []struct {
		name    string
		path    string // scanned, relative to dir; empty means dir
		exclude []string
		want    []string // files loaded
		bad     []string // the globs reported as input errors
	}{
		{name: "nothing excluded", want: files},
		{name: "name glob at any depth", exclude: []string{"*.yaml"}, want: []string{"b.json", "app/w.yml"}},
		{name: "name of a folder", exclude: []string{"test"}, want: without("app/test/t.yaml", "app/base/test/u.yaml", "test/v.yaml")},
		{name: "question mark is one character", exclude: []string{"?.yml"}, want: without("app/w.yml")},
		{name: "question mark is exactly one character", exclude: []string{"??.json"}, want: files},
		{name: "character class", exclude: []string{"[ab].*"}, want: without("a.yaml", "b.json")},
		{name: "path glob is anchored at the top", exclude: []string{"test/*.yaml"}, want: without("test/v.yaml")},
		{name: "question mark stays within a folder", exclude: []string{"app?w.yml"}, want: files},
		{name: "star stays within a folder", exclude: []string{"app/*.yaml"}, want: files},
		{name: "star in a path", exclude: []string{"app/*.yml"}, want: without("app/w.yml")},
		{name: "double star spans folders", exclude: []string{"app/**/*.yaml"}, want: without("app/test/t.yaml", "app/base/test/u.yaml")},
		{name: "leading double star spans no folder too", exclude: []string{"**/test/*.yaml"}, want: without("app/test/t.yaml", "app/base/test/u.yaml", "test/v.yaml")},
		{name: "trailing double star", exclude: []string{"vendor/**"}, want: without("vendor/x.yaml", "vendor/deep/y.yaml")},
		{name: "leading dot slash", exclude: []string{"./vendor/x.yaml"}, want: without("vendor/x.yaml")},
		{name: "several globs", exclude: []string{"vendor", "*.json"}, want: without("b.json", "vendor/x.yaml", "vendor/deep/y.yaml")},
		{name: "path relative to the folder scanned", path: "app", exclude: []string{"test/*.yaml"}, want: []string{"app/w.yml", "app/base/test/u.yaml"}},
		{name: "path relative to the working directory", path: "app", exclude: []string{"app/test/*.yaml"}, want: []string{"app/w.yml", "app/base/test/u.yaml"}},
		{name: "a file named on the command line is read", path: "a.yaml", exclude: []string{"*.yaml"}, want: []string{"a.yaml"}},
		{name: "empty glob", exclude: []string{"", "*.json"}, want: without("b.json"), bad: []string{""}},
		{name: "unclosed class", exclude: []string{"[ab", "*.json"}, want: without("b.json"), bad: []string{"[ab"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Load([]string{filepath.Join(dir, tt.path)}, Options{WorkDir: dir, Exclude: tt.exclude})
			var got []string
			for _, o := range res.Objects {
				got = append(got, o.File)
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tt.want))
			if !slices.Equal(got, want) {
				t.Errorf("loaded\n got %v\nwant %v", got, want)
			}
			var bad []string
			for _, e := range res.Errors {
				if !strings.HasPrefix(e.Message, "--exclude: ") {
					t.Errorf("error %v is not about --exclude", e)
				}
				bad = append(bad, e.File)
			}
			if !slices.Equal(bad, tt.bad) {
				t.Errorf("bad globs %q, want %q", bad, tt.bad)
			}
		})
	}
}
