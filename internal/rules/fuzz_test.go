package rules

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// FuzzPlansMatchTopdown extends TestPlansMatchTopdown past the inputs the
// Rego tests happen to build: the fuzzer picks one of those recorded inputs,
// an environment and an admission mode, and edits the input (a value of
// another type, a key dropped or added, an element duplicated, a string
// taken from elsewhere in the input). Both evaluators must still find the
// same violations, exemptions and built-in errors.
func FuzzPlansMatchTopdown(f *testing.F) {
	inputs := regoTestInputs(f)
	fast, ref := evaluators(f)
	// Seeds: a spread of the recorded inputs, each under a few edits of
	// every kind, in every environment and mode.
	for i := range 24 {
		pick := uint16(i * len(inputs) / 24)
		f.Add(pick, byte(i), []byte{byte(i % editKinds), byte(7 * i), byte(3 * i), byte((i + 1) % editKinds), byte(11 * i), byte(i)})
	}
	f.Fuzz(func(t *testing.T, pick uint16, mode byte, edits []byte) {
		input := inputs[int(pick)%len(inputs)]
		doc, err := ast.JSON(input)
		if err != nil {
			t.Fatal(err)
		}
		mutated, err := ast.InterfaceToValue(mutate(doc, edits))
		if err != nil {
			t.Fatal(err)
		}
		envs := Environments()
		key := queryKey{inputDomain(mutated), envs[int(mode)%len(envs)], mode&0x80 != 0}
		compareRun(t, fmt.Sprint(key), mutated, fast, ref, key)
	})
}

// editKinds is how many kinds of edit mutate knows.
const editKinds = 4

// mutate applies byte-driven edits to a JSON document: each edit takes three
// bytes, what to do, to which node (in document order) and with what.
func mutate(doc any, edits []byte) any {
	strs := stringsOf(doc)
	for ; len(edits) >= 3; edits = edits[3:] {
		op, with := edits[0]%editKinds, int(edits[2])
		target := int(edits[1]) % countNodes(doc)
		doc = editNode(doc, &target, func(v any) any { return edit(v, op, with, strs) })
	}
	return doc
}

// scalars are values of every JSON type, and numbers at the edges that
// built-ins treat differently.
var scalars = []any{nil, true, false, json.Number("0"), json.Number("-1"), json.Number("1.5"), json.Number("65536"), json.Number("1e30"), "", "0", "x", []any{}, map[string]any{}}

// edit changes one node: replaces it (0), drops a child of a list or an
// object (1), duplicates a list element or adds a key seen elsewhere (2), or
// replaces it with a string seen elsewhere in the document (3).
func edit(v any, op byte, with int, strs []string) any {
	switch {
	case op == 1 && isContainer(v):
		switch c := v.(type) {
		case []any:
			if len(c) > 0 {
				i := with % len(c)
				return slices.Delete(slices.Clone(c), i, i+1)
			}
		case map[string]any:
			if len(c) > 0 {
				m := maps.Clone(c)
				delete(m, slices.Sorted(maps.Keys(c))[with%len(c)])
				return m
			}
		}
		return v
	case op == 2 && isContainer(v):
		switch c := v.(type) {
		case []any:
			if len(c) > 0 {
				return append(slices.Clone(c), c[with%len(c)])
			}
		case map[string]any:
			if len(strs) > 0 {
				m := maps.Clone(c)
				m[strs[with%len(strs)]] = scalars[with%len(scalars)]
				return m
			}
		}
		return v
	case op == 3 && len(strs) > 0:
		return strs[with%len(strs)]
	}
	return scalars[with%len(scalars)]
}

func isContainer(v any) bool {
	switch v.(type) {
	case []any, map[string]any:
		return true
	}
	return false
}

// countNodes counts a document's nodes, itself included.
func countNodes(v any) int {
	n := 1
	switch c := v.(type) {
	case []any:
		for _, e := range c {
			n += countNodes(e)
		}
	case map[string]any:
		for _, e := range c {
			n += countNodes(e)
		}
	}
	return n
}

// editNode replaces the node numbered *target in document order (objects'
// keys sorted) with fn of it, counting *target down as it walks.
func editNode(v any, target *int, fn func(any) any) any {
	if *target == 0 {
		*target = -1
		return fn(v)
	}
	*target--
	switch c := v.(type) {
	case []any:
		out := slices.Clone(c)
		for i := range out {
			if *target < 0 {
				break
			}
			out[i] = editNode(out[i], target, fn)
		}
		return out
	case map[string]any:
		out := maps.Clone(c)
		for _, k := range slices.Sorted(maps.Keys(c)) {
			if *target < 0 {
				break
			}
			out[k] = editNode(out[k], target, fn)
		}
		return out
	}
	return v
}

// stringsOf collects a document's strings, keys included, sorted and
// without repeats: the values rules compare fields with.
func stringsOf(doc any) []string {
	var acc []string
	var walk func(v any)
	walk = func(v any) {
		switch c := v.(type) {
		case string:
			acc = append(acc, c)
		case []any:
			for _, e := range c {
				walk(e)
			}
		case map[string]any:
			for k, e := range c {
				acc = append(acc, k)
				walk(e)
			}
		}
	}
	walk(doc)
	slices.Sort(acc)
	return slices.Compact(acc)
}
