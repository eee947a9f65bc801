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
}

// Judge evaluates one object and places each violation in it: the one path
// from an object to findings, which the CLI's scan and the admission webhook
// share so that both give the same verdict. With an *rules.EvalError it
// still returns the findings of the rules that could be evaluated.
func Judge(ctx context.Context, engine *rules.Engine, o *source.Object, c Context) ([]Finding, error) {
	vs, err := engine.Evaluate(ctx, rules.Input{
		Domain:      o.Domain,
		Object:      o.Value,
		Environment: c.Environment,
		Profile:     c.Profile,
		Inventory:   c.Inventory,
		Admission:   c.Admission,
	})
	var ee *rules.EvalError
	if err != nil && !errors.As(err, &ee) {
		return nil, err
	}
	return findings(o, c.Environment, vs), err
}

func findings(o *source.Object, env string, vs []rules.Violation) []Finding {
	out := make([]Finding, 0, len(vs))
	for _, v := range vs {
		pos := o.Locate(v.Path, v.Token)
		out = append(out, Finding{
			Rule:        v.Rule,
			Severity:    v.Severity,
			Message:     v.Message,
			File:        o.File,
			Line:        pos.Line,
			Column:      pos.Column,
			EndColumn:   pos.EndColumn,
			Kind:        o.Kind,
			Namespace:   o.Namespace,
			Name:        o.Name,
			Container:   v.Container,
			Environment: env,
			FieldPath:   source.FieldPath(v.Path),
			Path:        v.Path,
			Suppressed:  v.Suppressed,
			Reason:      v.Reason,
		})
	}
	return out
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
// for a target judged with the admission rules, is one of them).
func Evaluates(r *rules.Rule, t Target) bool {
	return r.Domain == t.Domain && r.AppliesIn(t.Environment) && (r.Admission || !t.Admission)
}
