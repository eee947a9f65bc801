package scan

import (
	"context"
	"errors"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/source"
)

// Context is what one judgement needs beside the object.
type Context struct {
	Environment string
	Profile     ast.Value
	Inventory   ast.Value
	// Admission leaves out the rules that judge repository files only.
	Admission bool
	// Objects places a violation in another object than the target (the
	// HPA a cross-object rule blames); without it, or when the object is
	// not there, the violation is placed at the target's first line.
	Objects Objects
	// Config is what a configuration file sets of the data rules read.
	Config ast.Value
	// Today is the day exemptions expire by, YYYY-MM-DD; "" for never.
	Today string
}

// Objects are the Kubernetes objects of a scan by kind, namespace and name.
type Objects map[rules.ObjectRef]*source.Object

// add records o unless an object of its identity came first.
func (objs Objects) add(o *source.Object) {
	ref := rules.ObjectRef{Kind: o.Kind, Namespace: o.Namespace, Name: o.Name}
	if _, ok := objs[ref]; !ok {
		objs[ref] = o
	}
}

// Judge evaluates one object and places each violation in it: the one path
// from an object to findings, which the CLI's scan and the admission webhook
// share so that both give the same verdict. With an *rules.EvalError it
// still returns the findings of the rules that could be evaluated.
func Judge(ctx context.Context, engine *rules.Engine, o *source.Object, c Context) ([]Finding, error) {
	return judgeInto(ctx, engine, o, c, nil)
}

// judgeInto is Judge with the findings in dst's memory when it is not nil,
// for a scan that reuses one buffer object after object.
func judgeInto(ctx context.Context, engine *rules.Engine, o *source.Object, c Context, dst []Finding) ([]Finding, error) {
	vs, err := engine.Evaluate(ctx, rules.Input{
		Domain:      o.Domain,
		Object:      o.Value,
		Environment: c.Environment,
		Profile:     c.Profile,
		Inventory:   c.Inventory,
		Admission:   c.Admission,
		Config:      c.Config,
		Today:       c.Today,
	})
	var ee *rules.EvalError
	if err != nil && !errors.As(err, &ee) {
		return nil, err
	}
	return findings(dst, o, c, vs), err
}

// findings places each violation in the file and at the line of the object
// its path lies in; the finding stays the target's. They are put in dst's
// memory when it is not nil.
func findings(dst []Finding, o *source.Object, c Context, vs []rules.Violation) []Finding {
	env := c.Environment
	var out []Finding
	if dst == nil {
		out = make([]Finding, 0, len(vs))
	} else {
		out = slices.Grow(dst[:0], len(vs))
	}
	for _, v := range vs {
		at, path := o, v.Path
		if v.Object != nil {
			if other := c.Objects[*v.Object]; other != nil {
				at = other
			} else {
				path = nil
			}
		}
		pos := at.Place(path, v.Token)
		msg := v.Message
		if pos.Note != "" {
			msg += " (" + pos.Note + ")"
		}
		out = append(out, Finding{
			Rule:        v.Rule,
			Severity:    v.Severity,
			Message:     msg,
			File:        pos.File,
			Line:        pos.Line,
			Column:      pos.Column,
			EndColumn:   pos.EndColumn,
			APIVersion:  o.APIVersion,
			Kind:        o.Kind,
			Namespace:   o.Namespace,
			Name:        o.Name,
			Container:   v.Container,
			Environment: env,
			FieldPath:   source.FieldPath(v.Path),
			Path:        v.Path,
			Suppressed:  v.Suppressed,
			Reason:      v.Reason,
			Root:        o.Root,
		})
	}
	return out
}

// envPath is the path an object's environment is read from: the
// kustomization it was rendered through (an overlay names its
// environment, the base it shares does not), else its file.
func envPath(o *source.Object) string {
	if o.Root != "" {
		return o.Root + "/"
	}
	return o.File
}

// Evaluated lists the rules a scan evaluated: those of a target's domain
// that apply in the environment it was judged in.
func (rep *Report) Evaluated(all []*rules.Rule) []*rules.Rule {
	var out []*rules.Rule
	for _, r := range all {
		if slices.ContainsFunc(rep.Targets, func(t Target) bool { return Evaluates(r, t) }) {
			out = append(out, r)
		}
	}
	return out
}

// Evaluates reports whether a scan evaluates a rule on a target: the rule
// is of the target's domain and applies in the target's environment (and,
// for a target judged with the admission rules, is one of them), and the
// target's configuration does not turn it off.
func Evaluates(r *rules.Rule, t Target) bool {
	if r.Domain != t.Domain || !r.AppliesIn(t.Environment) || (!r.Admission && t.Admission) {
		return false
	}
	_, off := slices.BinarySearch(t.Disabled, r.ID)
	return !off
}
