package source

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// templatePosition places a rendered field in its template: the lines that
// spell out the path's keys one after another, the last one being the
// field. A list item is found by its first line as rendered (- name: sys);
// an item the template writes through a range loop or from a value has no
// line of its own, so the position is the loop's (or the list's) line, and
// Note says so.
// A field the template computes (a whole block from a value, say) is placed
// at the deepest key it spells out, else at the template's top.
func templatePosition(tmpl []string, node *yaml.Node, path []any, rendered Position) Position {
	line, col := 0, 1
	from := 0
	note := ""
	cur := resolve(node)
	for _, seg := range path {
		if i, ok := seg.(int); ok {
			item := sequenceItem(cur, i)
			cur = item
			n, place := templateItem(tmpl, from, col-1, item)
			note = cmp.Or(note, itemNotes[place])
			if n >= 0 {
				line, from = n+1, n
				col = len(tmpl[n]) - len(strings.TrimLeft(tmpl[n], " \t")) + 1
			}
			continue
		}
		key := seg.(string)
		cur = mappingValue(cur, key)
		found := false
		for i := from; i < len(tmpl); i++ {
			trimmed := strings.TrimLeft(tmpl[i], " \t")
			trimmed = strings.TrimPrefix(trimmed, "- ")
			if strings.HasPrefix(trimmed, key+":") || strings.HasPrefix(trimmed, `"`+key+`":`) {
				line, from, found = i+1, i+1, true
				col = len(tmpl[i]) - len(trimmed) + 1
				break
			}
		}
		if !found {
			break
		}
	}
	if line == 0 {
		return Position{Line: 1, Column: 1, EndColumn: 2}
	}
	return Position{Line: line, Column: col, EndColumn: col + len(fmt.Sprint(path[len(path)-1])), Exact: rendered.Exact && note == "", Note: note}
}

// itemNotes tell the reader why a line is not the list item's own.
var itemNotes = map[itemPlace]string{
	itemInLoop:  "line of the template's range loop, which writes every item at these lines",
	itemUnknown: "line of the template: a value, not a line of it, writes this list item",
}

// itemPlace says how a template writes a rendered list item.
type itemPlace int

const (
	itemLiteral   itemPlace = iota // its first line is written out
	itemTemplated                  // written through {{ }} once, outside any loop
	itemInLoop                     // written by a range loop, as every item of it
	itemUnknown                    // no line writes it: a value (toYaml) does
)

var templateAction = regexp.MustCompile(`\{\{-?\s*(range|if|with|define|block|end)\b`)

// templateItem finds the template line that starts a rendered list item,
// searching the list's block from line from (the list's key indented by
// indent): the line that writes the item's first line literally, else the
// first item line of the block that writes it through {{ }}; -1 when none.
func templateItem(tmpl []string, from, indent int, item *yaml.Node) (int, itemPlace) {
	want, prefix, ok := itemFirstLine(item)
	if !ok {
		return -1, itemUnknown
	}
	candidate, place := -1, itemUnknown
	var open []string // the {{ range }}, {{ if }}... blocks open at line i
	for i := from; i < len(tmpl); i++ {
		trimmed := strings.TrimLeft(tmpl[i], " \t")
		depth := len(tmpl[i]) - len(trimmed)
		for _, m := range templateAction.FindAllStringSubmatch(tmpl[i], -1) {
			if m[1] == "end" {
				open = open[:max(0, len(open)-1)]
			} else {
				open = append(open, m[1])
			}
		}
		if trimmed == "" || strings.HasPrefix(trimmed, "{{") || strings.HasPrefix(trimmed, "#") {
			continue
		}
		body, isItem := strings.CutPrefix(trimmed, "- ")
		if i > from && (depth < indent || depth == indent && !isItem) {
			break // the list's block has ended
		}
		if !isItem {
			continue
		}
		if unquoted(body) == want {
			return i, itemLiteral
		}
		if candidate < 0 && strings.Contains(body, "{{") && strings.HasPrefix(body, prefix) {
			candidate, place = i, itemTemplated
			if slices.Contains(open, "range") {
				place = itemInLoop
			}
		}
	}
	return candidate, place
}

// itemFirstLine is how a list item's first line reads after "- ": key:
// value for a mapping whose first value is a scalar, the value of a scalar
// item; prefix is what a template line writing it through {{ }} starts with.
func itemFirstLine(item *yaml.Node) (want, prefix string, ok bool) {
	switch {
	case item == nil:
		return "", "", false
	case item.Kind == yaml.ScalarNode:
		return item.Value, "", true
	case item.Kind == yaml.MappingNode && item.Style&yaml.FlowStyle == 0 && len(item.Content) >= 2 && item.Content[1].Kind == yaml.ScalarNode:
		k := item.Content[0].Value
		return k + ": " + item.Content[1].Value, k + ":", true
	}
	return "", "", false
}

// unquoted reads "key: 'value'" or "key: \"value\"" (or a quoted scalar) as
// the same text unquoted, as the rendered node holds it.
func unquoted(text string) string {
	k, v, isPair := strings.Cut(text, ": ")
	if !isPair {
		k, v = "", text
	}
	v = strings.TrimSpace(v)
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		v = v[1 : len(v)-1]
	}
	if !isPair {
		return v
	}
	return k + ": " + v
}

// sequenceItem walks the rendered node beside the template, nil once the
// path leaves it.
func sequenceItem(n *yaml.Node, i int) *yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode || i < 0 || i >= len(n.Content) {
		return nil
	}
	return resolve(n.Content[i])
}

// mappingValue is the value at key in the mapping n, aliases resolved; nil
// when n or the key is missing. It walks the rendered node beside a
// template, and reads kustomizations and objects by key.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil {
		return nil
	}
	if _, v := lookup(n, key, 0); v != nil {
		return resolve(v)
	}
	return nil
}
