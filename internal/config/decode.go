package config

import (
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/slotwise/slotcheck/internal/strictyaml"
)

// position is a place in the file, 1-based.
type position struct{ line, column int }

func at(n *yaml.Node) position { return position{n.Line, n.Column} }

// problem is one thing wrong with the file, at its place.
type problem struct {
	pos position
	msg string
}

// ruleRef is a rule id written in the file.
type ruleRef struct {
	id  RuleID
	pos position
}

// decoded is what decoding the file found: its problems, and the rule ids
// it names, checked once the rules are known.
type decoded struct {
	problems []problem
	ruleRefs []ruleRef
}

// decode fills f from root strictly; see package strictyaml.
func decode(root *yaml.Node, f *File) *decoded {
	d := &decoded{}
	dec := strictyaml.Decoder{Root: "configuration", OnScalar: d.noteRule}
	for _, p := range dec.Decode(root, f).Problems {
		d.problems = append(d.problems, problem{position{p.Line, p.Column}, p.Msg})
	}
	return d
}

// noteRule keeps the place of every rule id written.
func (d *decoded) noteRule(_ string, n *yaml.Node, v strictyaml.Scalar) {
	if id, ok := v.(*RuleID); ok {
		d.ruleRefs = append(d.ruleRefs, ruleRef{*id, at(n)})
	}
}

func (d *decoded) addf(n *yaml.Node, format string, args ...any) {
	d.problems = append(d.problems, problem{at(n), fmt.Sprintf(format, args...)})
}
