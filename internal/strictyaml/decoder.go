package strictyaml

import (
	"fmt"
	"reflect"

	"gopkg.in/yaml.v3"
)

// Scalar is a type written as one YAML scalar and checked as it is read
// (a rule id, a regular expression, a date). The decoder hands it string
// and timestamp scalars; an error is a problem at the scalar.
type Scalar interface {
	SetScalar(n *yaml.Node) error
}

// Decoder holds what a decoding needs besides its input.
type Decoder struct {
	// Root names the top value in messages about it ("configuration").
	Root string
	// OnScalar, when set, is called with every Scalar value set and the
	// node it came from, for a caller that checks them later (rule ids
	// against the compiled rules).
	OnScalar func(path string, n *yaml.Node, v Scalar)
}

// Result is what a decoding found.
type Result struct {
	// Problems are in the order met, which is the order of the file.
	Problems []Problem
	// Lines maps the path of every decoded key (custom.reads[0].scope) and
	// list item (custom.reads[0]) to its line, for checks made after
	// decoding that must point at what they are about.
	Lines map[string]int
}

// Decode fills the value ptr points to from n by its yaml tags.
func (d Decoder) Decode(n *yaml.Node, ptr any) Result {
	s := &state{Decoder: d, res: Result{Lines: map[string]int{}}}
	s.decode(n, reflect.ValueOf(ptr).Elem(), "")
	return s.res
}

// state is one decoding under way.
type state struct {
	Decoder
	res Result
}

// add records a problem at n about path; the message begins with the path.
func (s *state) add(n *yaml.Node, kind Kind, path, format string, args ...any) {
	s.addIn(n, kind, path, path, format, args...)
}

// addIn records a problem at n about path, in a message that begins with
// the path of the mapping it is in: a key the mapping lacks or should not
// have is the mapping's problem.
func (s *state) addIn(n *yaml.Node, kind Kind, path, in, format string, args ...any) {
	s.res.Problems = append(s.res.Problems, Problem{
		Line: n.Line, Column: n.Column, Path: path, Kind: kind,
		Msg: s.name(in) + ": " + fmt.Sprintf(format, args...),
	})
}

// name is path as messages show it: the root's name for the top.
func (s *state) name(path string) string {
	if path == "" {
		return s.Root
	}
	return path
}

// join is the path of key under path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
