package source

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

func TestIsDockerfileName(t *testing.T) {
	for name, want := range map[string]bool{
		"Dockerfile": true, "build/Dockerfile": true, "Containerfile": true, "api.Dockerfile": true,
		"Dockerfile.dev": true, "dockerfile": true, "app.dockerfile": true,
		"Dockerfile.yaml": true, "deploy.yaml": false, "Dockerfiles": false, "README": false,
	} {
		if got := IsDockerfileName(name); got != want {
			t.Errorf("IsDockerfileName(%q) = %v", name, got)
		}
	}
}

// model loads one Dockerfile and returns its model and object.
func model(t *testing.T, src string, opts Options) (ast.Object, *Object) {
	t.Helper()
	dir := t.TempDir()
	write(t, dir, map[string]string{"Dockerfile": src})
	opts.WorkDir = dir
	res := Load([]string{dir}, opts)
	if len(res.Errors) > 0 || len(res.Objects) != 1 {
		t.Fatalf("errors %v, objects %d", res.Errors, len(res.Objects))
	}
	return res.Objects[0].Value.(ast.Object), res.Objects[0]
}

func get(t *testing.T, v ast.Value, path string) string {
	t.Helper()
	ref := ast.MustParseRef("x." + path)
	cur := ast.NewTerm(v)
	for _, seg := range ref[1:] {
		cur = cur.Get(seg)
		if cur == nil {
			t.Fatalf("%s: no %v", path, seg)
		}
	}
	return cur.String()
}

func TestDockerfileModel(t *testing.T) {
	src := strings.Join([]string{
		"# syntax=docker/dockerfile:1",
		"ARG GO_VERSION=1.21",
		"ARG BASE",
		"FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-alpine AS Builder",
		"ENV CGO_ENABLED=0 NAME=\"two words\"",
		"# slotcheck:ignore DF010 cache kept on purpose",
		"RUN apk add git && \\",
		"    go build -o /app .",
		"RUN <<EOF",
		"echo hi",
		"EOF",
		"FROM ${BASE}",
		"FROM builder",
		"COPY --from=builder --chown=1:1 /app /app",
		"HEALTHCHECK --interval=30s CMD [\"/app\", \"health\"]",
		"USER 1000:1000",
		"",
	}, "\n")
	m, obj := model(t, src, Options{BuildArgs: map[string]string{"GO_VERSION": "1.22"}})
	tests := map[string]string{
		`args.GO_VERSION`:                       `"1.22"`,
		`args.BASE`:                             `null`,
		`stages[0].name`:                        `"builder"`,
		`stages[0].base`:                        `"golang:${GO_VERSION}-alpine"`,
		`stages[0].image`:                       `"golang:1.22-alpine"`,
		`stages[0].platform`:                    `"$BUILDPLATFORM"`,
		`stages[0].from_stage`:                  `-1`,
		`stages[0].final`:                       `false`,
		`stages[0].line`:                        `4`,
		`stages[0].instructions[0].vars[1]`:     `{"key": "NAME", "value": "two words"}`,
		`stages[0].instructions[1].kind`:        `"run"`,
		`stages[0].instructions[1].exec_form`:   `false`,
		`stages[0].instructions[1].comments`:    `["slotcheck:ignore DF010 cache kept on purpose"]`,
		`stages[0].instructions[1].line`:        `7`,
		`stages[0].instructions[1].end_line`:    `8`,
		`stages[0].instructions[2].heredocs[0]`: `{"content": "echo hi\n", "name": "EOF"}`,
		`stages[1].image`:                       `""`,
		`stages[1].scratch`:                     `false`,
		`stages[2].from_stage`:                  `0`,
		`stages[2].final`:                       `true`,
		`stages[2].instructions[0].flags`:       `{"chown": "1:1", "from": "builder"}`,
		`stages[2].instructions[0].args`:        `["/app", "/app"]`,
		`stages[2].instructions[1].exec_form`:   `true`,
		`stages[2].instructions[1].args`:        `["CMD", "/app", "health"]`,
		`stages[2].instructions[2].args`:        `["1000:1000"]`,
	}
	for path, want := range tests {
		if got := get(t, m, path); got != want {
			t.Errorf("%s = %s, want %s", path, got, want)
		}
	}
	for _, tt := range []struct {
		path  []any
		token string
		want  Position
	}{
		{[]any{"stages", 0}, "golang:${GO_VERSION}-alpine", Position{Line: 4, Column: 32, EndColumn: 59, Exact: true}},
		{[]any{"stages", 0, "instructions", 1}, "go build", Position{Line: 8, Column: 5, EndColumn: 13, Exact: true}},
		{[]any{"stages", 0, "instructions", 1}, "", Position{Line: 7, Column: 1, EndColumn: 4, Exact: true}},
		{[]any{"stages", 2, "instructions", 2}, "nowhere", Position{Line: 16, Column: 1, EndColumn: 5, Exact: false}},
		{nil, "", Position{Line: 1, Column: 1, EndColumn: 2, Exact: true}},
	} {
		if got := obj.Locate(tt.path, tt.token); got != tt.want {
			t.Errorf("Locate(%v, %q) = %+v, want %+v", tt.path, tt.token, got, tt.want)
		}
	}
}

func TestDockerfileErrors(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"bad/Dockerfile":   "FROM alpine:3.20\nRUN echo\nFROBNICATE all\n",
		"empty/Dockerfile": "# nothing here\n",
		"named.txt":        "FROM alpine:3.20\nUSER 1000\n",
	})
	res := Load([]string{dir, filepath.Join(dir, "named.txt")}, Options{WorkDir: dir})
	var errs []string
	for _, e := range res.Errors {
		errs = append(errs, e.Error())
	}
	if len(errs) != 2 || !strings.HasPrefix(errs[0], "bad/Dockerfile:3:0: invalid Dockerfile") || !strings.HasPrefix(errs[1], "empty/Dockerfile") {
		t.Errorf("errors: %q", errs)
	}
	if len(res.Objects) != 1 || res.Objects[0].File != "named.txt" || res.Objects[0].Domain != "dockerfile" {
		t.Errorf("a Dockerfile named on the command line was not read as one: %+v", res.Objects)
	}
	_ = os.Remove
}
