package source

import (
	"bytes"

	"gopkg.in/yaml.v3"
)

// An object a scan keeps while it judges every other (Options.KeepText:
// the NetworkPolicies, autoscalers and monitors cross-object rules read)
// is needed whole only to place the few findings a rule puts in it. A
// NetworkPolicy's YAML tree is some 5 KB, more than its Rego value and
// some twenty times its text; so the text is kept, and parsed again, its
// lines counted from where the object starts, when a finding needs a place
// in it.

// lineCursor finds the byte offsets of a file's lines, which documents ask
// for in increasing order: each is counted once however many documents the
// file holds.
type lineCursor struct {
	src  []byte
	line int // the line that starts at off, from 1
	off  int
}

// start is the offset at which line starts, or -1 when the file has fewer
// lines or the line lies before the cursor.
func (c *lineCursor) start(line int) int {
	if line < c.line {
		return -1
	}
	for c.line < line {
		i := bytes.IndexByte(c.src[c.off:], '\n')
		if i < 0 {
			return -1
		}
		c.off += i + 1
		c.line++
	}
	return c.off
}

// documentEnd is the offset at which the document that holds off ends:
// the next line that is a document marker (--- or ...), else the file's
// end. A line that starts with one at the first column always is a marker:
// everything inside a document whose root starts at the first column is
// indented or in flow brackets.
func documentEnd(src []byte, off int) int {
	for off < len(src) {
		next := len(src)
		if i := bytes.IndexByte(src[off:], '\n'); i >= 0 {
			next = off + i + 1
		}
		if isMarker(src[off:next]) {
			return off
		}
		off = next
	}
	return len(src)
}

// isMarker reports whether line (with its line break) is a document
// marker.
func isMarker(line []byte) bool {
	if !bytes.HasPrefix(line, []byte("---")) && !bytes.HasPrefix(line, []byte("...")) {
		return false
	}
	rest := line[3:]
	return len(rest) == 0 || rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\r' || rest[0] == '\n'
}

// keepText replaces o's YAML tree by its document's text, when o is a
// mapping that starts at the first column of its line: parsed alone, that
// text gives the same tree on the same columns. Other objects (a List's
// items, rendered ones) keep their tree, and so do the objects of a text
// with an anchor ("&"), which yaml.v3 lets a later document's alias reach:
// that document would not parse alone.
func (o *Object) keepText(c *lineCursor) {
	if o.Node == nil || o.Node.Kind != yaml.MappingNode || o.Node.Column != 1 || o.template != nil || o.fields != nil || o.locator != nil {
		return
	}
	if bytes.IndexByte(c.src, '&') >= 0 {
		return
	}
	start := c.start(o.Node.Line)
	if start < 0 {
		return
	}
	o.text = string(c.src[start:documentEnd(c.src, start)])
	o.textLine = o.Node.Line
	o.Node = nil
}

// tree is o's YAML tree, parsed again from its text when only that was
// kept (keepText); nil for an object without either.
func (o *Object) tree() *yaml.Node {
	if o.Node != nil || o.text == "" {
		return o.Node
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(o.text), &doc); err != nil || len(doc.Content) == 0 {
		return nil
	}
	root := doc.Content[0]
	shiftLines(root, o.textLine-1)
	return root
}

// shiftLines moves every node of a tree down by n lines.
func shiftLines(n *yaml.Node, by int) {
	n.Line += by
	for _, c := range n.Content {
		shiftLines(c, by)
	}
}
