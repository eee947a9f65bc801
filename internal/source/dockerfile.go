package source

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/open-policy-agent/opa/v1/ast"
)

// DockerfileKind is the Kind of an Object read from a Dockerfile.
const DockerfileKind = "Dockerfile"

// IsDockerfileName reports whether a file's name says it is a Dockerfile:
// Dockerfile, Containerfile, *.Dockerfile or Dockerfile.* (any letter case).
func IsDockerfileName(p string) bool {
	name := strings.ToLower(path.Base(strings.ReplaceAll(p, "\\", "/")))
	return name == "dockerfile" || name == "containerfile" ||
		strings.HasSuffix(name, ".dockerfile") || strings.HasPrefix(name, "dockerfile.") ||
		strings.HasSuffix(name, ".containerfile") || strings.HasPrefix(name, "containerfile.")
}

// instructionStart matches a line that opens a Dockerfile: a parser
// directive, a comment, or an instruction a Dockerfile may start with.
var (
	instructionStart = regexp.MustCompile(`(?i)^\s*(#|(from|arg)\s)`)
	fromLine         = regexp.MustCompile(`(?im)^\s*from\s`)
	errorLine        = regexp.MustCompile(`line (\d+)`)
)

// looksLikeDockerfile sniffs a file named on the command line whatever its
// name: its first line that holds anything starts like a Dockerfile, and it
// has a FROM instruction.
func looksLikeDockerfile(src []byte) bool {
	for _, line := range bytes.Split(src, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		return instructionStart.Match(line) && fromLine.Match(src)
	}
	return false
}

// dockerfile parses a Dockerfile with BuildKit's parser into the model the
// Dockerfile rules read (policies/README.md), as one Object.
func (l *loader) dockerfile(res *Result, name string, src []byte) {
	if l.opts.Kinds != nil {
		return // only Kubernetes kinds are selected
	}
	res.Files++
	parsed, err := parser.Parse(bytes.NewReader(src))
	if err != nil {
		line, msg := dockerfileErrorLine(err)
		res.errorf(name, line, 0, "invalid Dockerfile: %s", msg)
		return
	}
	// BuildKit's own build checks are collected and left out: slotcheck's
	// rules give the verdicts, and several checks overlap them (exec form).
	var lint []string
	linterCfg := &linter.Config{Warn: func(rule, _, _, msg string, _ []parser.Range) {
		lint = append(lint, rule+": "+msg)
	}}
	stages, metaArgs, err := instructions.Parse(parsed.AST, linter.New(linterCfg))
	if err != nil {
		line, msg := dockerfileErrorLine(err)
		res.errorf(name, line, 0, "invalid Dockerfile: %s", msg)
		return
	}
	if len(stages) == 0 {
		res.errorf(name, 0, 0, "invalid Dockerfile: no FROM instruction")
		return
	}
	m, loc := dockerfileModel(name, parsed, stages, metaArgs, l.opts.BuildArgs)
	val, err := ast.InterfaceToValue(m)
	if err != nil {
		res.errorf(name, 0, 0, "Dockerfile model: %v", err)
		return
	}
	loc.lines = strings.Split(string(src), "\n")
	res.Objects = append(res.Objects, &Object{
		File:    name,
		Domain:  "dockerfile",
		Value:   val,
		Kind:    DockerfileKind,
		Line:    1,
		locator: loc,
	})
}

// dockerfileErrorLine finds the line BuildKit's error names.
func dockerfileErrorLine(err error) (int, string) {
	msg := err.Error()
	var le *parser.LocationError
	if errors.As(err, &le) && len(le.Locations) > 0 && len(le.Locations[0]) > 0 {
		return le.Locations[0][0].Start.Line, msg
	}
	if m := errorLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n, msg
	}
	return 0, msg
}

// dockerfileLocator maps model paths to lines: stages[i] is a FROM line,
// stages[i].instructions[j] an instruction's lines.
type dockerfileLocator struct {
	lines        []string
	stages       [][2]int
	instructions [][][2]int
}

func (d *dockerfileLocator) locate(p []any, token string) Position {
	span := [2]int{1, 1}
	if len(p) >= 2 {
		if i, ok := p[1].(int); ok && i >= 0 && i < len(d.stages) {
			span = d.stages[i]
			if len(p) >= 4 {
				if j, ok := p[3].(int); ok && j >= 0 && j < len(d.instructions[i]) {
					span = d.instructions[i][j]
				}
			}
		}
	}
	if token != "" {
		for n := span[0]; n <= span[1] && n-1 < len(d.lines); n++ {
			line := d.lines[n-1]
			// Look past the keyword so that a token such as "ADD" or a word
			// of the instruction itself is found where it is written.
			if at := strings.Index(line, token); at >= 0 {
				col := utf8.RuneCountInString(line[:at]) + 1
				return Position{Line: n, Column: col, EndColumn: col + utf8.RuneCountInString(token), Exact: true}
			}
		}
	}
	col, end := 1, 2
	if span[0]-1 < len(d.lines) {
		line := d.lines[span[0]-1]
		trimmed := strings.TrimLeft(line, " \t")
		col = utf8.RuneCountInString(line[:len(line)-len(trimmed)]) + 1
		word, _, _ := strings.Cut(trimmed, " ")
		end = col + max(1, utf8.RuneCountInString(word))
	}
	return Position{Line: span[0], Column: col, EndColumn: end, Exact: token == ""}
}

// expand unquotes and expands a word as the build would; a word the lexer
// rejects is kept as written.
func expand(lex *shell.Lex, word string, env mapEnv) string {
	out, _, err := lex.ProcessWord(word, env)
	if err != nil {
		return word
	}
	return out
}

// mapEnv is the ARG values BuildKit expands FROM with.
type mapEnv map[string]string

func (m mapEnv) Get(k string) (string, bool) { v, ok := m[k]; return v, ok }

func (m mapEnv) Keys() []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func dockerfileModel(file string, parsed *parser.Result, stages []instructions.Stage, metaArgs []instructions.ArgCommand, buildArgs map[string]string) (map[string]any, *dockerfileLocator) {
	args := map[string]any{}
	env := mapEnv{}
	for _, a := range metaArgs {
		for _, kv := range a.Args {
			var v any
			if kv.Value != nil {
				v = *kv.Value
				env[kv.Key] = *kv.Value
			}
			if b, ok := buildArgs[kv.Key]; ok {
				v = b
				env[kv.Key] = b
			}
			args[kv.Key] = v
		}
	}
	lex := shell.NewLex(parsed.EscapeToken)

	// The AST's children in order, with each FROM opening a stage.
	var nodesByStage [][]*parser.Node
	var fromNodes []*parser.Node
	for _, n := range parsed.AST.Children {
		if strings.EqualFold(n.Value, "from") {
			fromNodes = append(fromNodes, n)
			nodesByStage = append(nodesByStage, nil)
			continue
		}
		if len(nodesByStage) > 0 {
			nodesByStage[len(nodesByStage)-1] = append(nodesByStage[len(nodesByStage)-1], n)
		}
	}
	loc := &dockerfileLocator{}
	var out []any
	names := map[string]int{}
	for i, st := range stages {
		from := fromNodes[min(i, len(fromNodes)-1)]
		image, _, err := lex.ProcessWord(st.BaseName, env)
		if err != nil {
			image = ""
		}
		fromStage := -1
		if idx, ok := names[strings.ToLower(st.BaseName)]; ok {
			fromStage = idx
		} else if n, err := strconv.Atoi(st.BaseName); err == nil && n >= 0 && n < i {
			fromStage = n
		}
		if st.Name != "" {
			names[strings.ToLower(st.Name)] = i
		}
		stage := map[string]any{
			"index":      i,
			"name":       st.Name,
			"base":       st.BaseName,
			"image":      image,
			"from_stage": fromStage,
			"scratch":    fromStage < 0 && strings.EqualFold(image, "scratch"),
			"platform":   st.Platform,
			"final":      i == len(stages)-1,
			"line":       from.StartLine,
			"end_line":   from.EndLine,
			"comments":   comments(from),
		}
		loc.stages = append(loc.stages, [2]int{from.StartLine, from.EndLine})
		typed := map[int]instructions.Command{}
		for _, c := range st.Commands {
			if l := c.Location(); len(l) > 0 {
				typed[l[0].Start.Line] = c
			}
		}
		var instrs []any
		var spans [][2]int
		stageEnv := mapEnv{}
		for k, v := range env {
			stageEnv[k] = v
		}
		for _, n := range nodesByStage[min(i, len(nodesByStage)-1)] {
			instrs = append(instrs, instruction(n, typed[n.StartLine], lex, stageEnv))
			spans = append(spans, [2]int{n.StartLine, n.EndLine})
		}
		if instrs == nil {
			instrs = []any{}
		}
		stage["instructions"] = instrs
		loc.instructions = append(loc.instructions, spans)
		out = append(out, stage)
	}
	return map[string]any{"file": file, "args": args, "stages": out}, loc
}

func comments(n *parser.Node) []any {
	out := []any{}
	for _, c := range n.PrevComment {
		out = append(out, strings.TrimSpace(c))
	}
	return out
}

// instruction is one instruction of the model.
// ENV and ARG values are unquoted and expanded with the ARGs and ENVs
// known so far in the stage, as the build would see them.
func instruction(n *parser.Node, typed instructions.Command, lex *shell.Lex, env mapEnv) map[string]any {
	kind := strings.ToLower(n.Value)
	var args []any
	for a := n.Next; a != nil; a = a.Next {
		args = append(args, a.Value)
	}
	if kind == "env" || kind == "label" {
		// The parser gives key, value, separator triples.
		var pairs []any
		for i := 0; i+1 < len(args); i += 3 {
			pairs = append(pairs, fmt.Sprintf("%v=%v", args[i], args[i+1]))
		}
		args = pairs
	}
	if args == nil {
		args = []any{}
	}
	flags := map[string]any{}
	for _, f := range n.Flags {
		k, v, _ := strings.Cut(strings.TrimPrefix(f, "--"), "=")
		flags[k] = v
	}
	heredocs := []any{}
	for _, h := range n.Heredocs {
		heredocs = append(heredocs, map[string]any{"name": h.Name, "content": h.Content})
	}
	m := map[string]any{
		"kind":      kind,
		"original":  n.Original,
		"args":      args,
		"exec_form": n.Attributes["json"],
		"flags":     flags,
		"heredocs":  heredocs,
		"comments":  comments(n),
		"line":      n.StartLine,
		"end_line":  n.EndLine,
	}
	switch c := typed.(type) {
	case *instructions.EnvCommand:
		vars := []any{}
		for _, kv := range c.Env {
			v := expand(lex, kv.Value, env)
			env[kv.Key] = v
			vars = append(vars, map[string]any{"key": kv.Key, "value": v})
		}
		m["vars"] = vars
	case *instructions.ArgCommand:
		vars := []any{}
		for _, kv := range c.Args {
			var v any
			if kv.Value != nil {
				s := expand(lex, *kv.Value, env)
				env[kv.Key] = s
				v = s
			}
			vars = append(vars, map[string]any{"key": kv.Key, "value": v})
		}
		m["vars"] = vars
	}
	return m
}
