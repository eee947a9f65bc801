package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"gopkg.in/yaml.v3"

	"github.com/slotwise/slotcheck/internal/source"
)

// Load reads the configuration file at path, reported as display. Every
// problem found is returned, each at its line and column. With problems the
// file is what could be decoded (nil when nothing could): fit only for
// CheckRules, which finds the problems that need the rules.
func Load(path, display string) (*File, []source.Error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, []source.Error{{File: display, Message: fmt.Sprintf("configuration: %v", unwrapPathError(err))}}
	}
	return ParseAt(path, display, src)
}

// ParseAt is Load of src, the content of the file at path already read:
// a caller that hands the content on reads the file once.
func ParseAt(path, display string, src []byte) (*File, []source.Error) {
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, []source.Error{{File: display, Message: fmt.Sprintf("configuration: %v", err)}}
	}
	f, errs := Parse(src, display)
	if f != nil {
		f.Dir = dir
	}
	return f, errs
}

// Parse decodes a configuration file's content, reported as display.
func Parse(src []byte, display string) (*File, []source.Error) {
	fail := func(line, col int, msg string) (*File, []source.Error) {
		return nil, []source.Error{{File: display, Line: line, Column: col, Message: msg}}
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return fail(0, 0, "empty configuration: write at least version: 1")
		}
		line, msg := source.YAMLSyntaxError(err, src)
		return fail(line, 1, "invalid YAML: "+msg)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		line := extra.Line
		if err != nil {
			line, _ = source.YAMLSyntaxError(err, src)
		}
		return fail(line, 1, "a configuration is one YAML document; this file holds more")
	}
	root := doc.Content[0]
	if isImplicitNull(root) {
		// "---" and nothing else: yaml.v3 places the empty document's
		// value on the line after the marker, which may be past the end
		// of the file; the file is empty, not a document to place.
		return fail(0, 0, "empty configuration: write at least version: 1")
	}
	f := &File{Path: display, Node: root}
	d := decode(root, f)
	if len(d.problems) == 0 {
		d.check(f)
	}
	f.refs = d.ruleRefs
	return f, errorsOf(display, d.problems)
}

// isImplicitNull is the value of a document that holds nothing but its
// markers and comments (an explicit null, ~ or null, has a value).
func isImplicitNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null" && n.Value == ""
}

// errorsOf turns problems into input errors, in the order of the file.
func errorsOf(display string, ps []problem) []source.Error {
	slices.SortStableFunc(ps, func(a, b problem) int {
		if a.pos.line != b.pos.line {
			return a.pos.line - b.pos.line
		}
		return a.pos.column - b.pos.column
	})
	out := make([]source.Error, 0, len(ps))
	for _, p := range ps {
		out = append(out, source.Error{File: display, Line: p.pos.line, Column: p.pos.column, Message: p.msg})
	}
	return out
}

// check applies what the types alone do not: the version, and the
// workloads' kinds.
func (d *decoded) check(f *File) {
	d.checkWorkloads(f)
	if f.Version == 0 {
		// Written empty (version:), or a document that is no mapping.
		d.addf(f.Node, "configuration: version is required: write version: %d", Version)
		return
	}
	if f.Version != Version {
		_, v := lookup(f.Node, "version")
		d.addf(v, "version: %d is not a version slotcheck reads: write version: %d", f.Version, Version)
	}
}

// lookup finds a key of a mapping node and its value; the mapping itself
// for both when the key is missing.
func lookup(m *yaml.Node, key string) (k, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1]
		}
	}
	return m, m
}

// unwrapPathError drops the operation from a file error: "open x: no such
// file" reads as the file name and the cause.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Path, pe.Err)
	}
	return err
}
