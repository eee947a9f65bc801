package rules

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/slotwise/slotcheck/internal/strictyaml"
)

// metadataDecoder decodes a METADATA block strictly (package strictyaml:
// OPA's reading of METADATA lets a misspelt key or a number for a string
// pass) and gathers the problems of the block, at their file lines.
type metadataDecoder struct {
	file string
	// base is the file line of the YAML text's line 0 (# METADATA).
	base  int
	lines lineIndex
	errs  []*MetadataError
	// wrong holds the paths of values of the wrong type, left unset, so
	// that checking them again adds no second problem.
	wrong []string
}

// lineIndex maps the path of a decoded key (custom.reads[0].scope) to the
// file line where it is written.
type lineIndex map[string]int

// at is the line of path, or of its nearest enclosing key when path is not
// written (a missing key is reported where its parent is).
func (l lineIndex) at(path string) int {
	for {
		if n, ok := l[path]; ok {
			return n
		}
		if path == "" {
			return 0
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			path = ""
			continue
		}
		path = path[:i]
	}
}

// decode fills block from the block's root node, keeping the file line of
// every key and every problem found.
func (d *metadataDecoder) decode(root *yaml.Node, block *metadataBlock) {
	res := strictyaml.Decoder{Root: "METADATA"}.Decode(root, block)
	for path, line := range res.Lines {
		d.lines[path] = d.base + line
	}
	for _, p := range res.Problems {
		if p.Kind == strictyaml.WrongType {
			d.wrong = append(d.wrong, p.Path)
		}
		d.fail(d.base+p.Line, "%s", p.Msg)
	}
}

func (d *metadataDecoder) fail(line int, format string, args ...any) {
	d.errs = append(d.errs, &MetadataError{File: d.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// broken reports whether path, or a value inside it, had the wrong type.
func (d *metadataDecoder) broken(path string) bool {
	for _, w := range d.wrong {
		if w == path || strings.HasPrefix(w, path+".") || strings.HasPrefix(w, path+"[") {
			return true
		}
	}
	return false
}
