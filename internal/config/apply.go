package config

import (
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/slotwise/slotcheck/internal/rules"
)

// Subject is what an exemption is matched against: one finding.
type Subject struct {
	Rule      string
	Kind      string
	Namespace string
	Name      string
	Container string
	// Paths are the finding's file as the exemption's paths may name it:
	// relative to the configuration's folder, and as reports show it.
	Paths []string
}

// Matches reports whether the exemption covers the subject: it names the
// rule and every selector it has matches.
func (e *Exemption) Matches(s Subject) bool {
	if !slices.Contains(e.Rules, RuleID(s.Rule)) {
		return false
	}
	if len(e.Kinds) > 0 && !slices.Contains(e.Kinds, s.Kind) {
		return false
	}
	if !anyGlob(e.Namespaces, s.Namespace) || !anyGlob(e.Names, s.Name) {
		return false
	}
	if len(e.Containers) > 0 && (s.Container == "" || !anyGlob(e.Containers, s.Container)) {
		return false
	}
	if len(e.Paths) == 0 {
		return true
	}
	for _, p := range s.Paths {
		if anyGlob(e.Paths, p) {
			return true
		}
	}
	return false
}

// anyGlob reports whether one of the globs matches s; no glob matches all.
func anyGlob(globs []Glob, s string) bool {
	if len(globs) == 0 {
		return true
	}
	for _, g := range globs {
		if g.Match(s) {
			return true
		}
	}
	return false
}

// Expired reports whether the exemption's last day is before today.
func (e *Exemption) Expired(today Date) bool {
	return !e.Expires.IsZero() && e.Expires.Before(today)
}

// Severity is the severity of rule id's findings in env, given the rule's
// own; off is true when the file turns the rule off.
func (f *File) Severity(id, env string, own rules.Severity) (sev rules.Severity, off bool) {
	s, ok := f.Rules[RuleID(id)]
	if !ok {
		return own, false
	}
	if s.Disabled {
		return own, true
	}
	if es, ok := s.EnvironmentSeverity[Environment(env)]; ok {
		return rules.Severity(es), false
	}
	if s.Severity != "" {
		return rules.Severity(s.Severity), false
	}
	return own, false
}

// RuleData is what the file sets of the data rules read (input.config): the
// keys left out let each rule use its default, the standard's value.
func (f *File) RuleData() ast.Value {
	out := ast.NewObject()
	if len(f.ImageTags.Immutable) > 0 {
		out.Insert(ast.StringTerm("imageTags"), ast.ObjectTerm(
			ast.Item(ast.StringTerm("immutable"), stringsTerm(f.ImageTags.Immutable))))
	}
	if len(f.Dockerfile.FinalBases) > 0 {
		out.Insert(ast.StringTerm("dockerfile"), ast.ObjectTerm(
			ast.Item(ast.StringTerm("finalBases"), stringsTerm(f.Dockerfile.FinalBases))))
	}
	if len(f.Workloads) > 0 {
		out.Insert(ast.StringTerm("workloads"), workloadsValue(f.Workloads))
	}
	if out.Len() == 0 {
		return nil
	}
	return out
}

// ExemptionsValue is the file's exemptions as the configuration rules see
// them (input.config_file): each with its rules, reason, expiry ("" when
// none) and whether it matched a finding of the scan.
func (f *File) ExemptionsValue(matched []bool) ast.Value {
	items := make([]*ast.Term, 0, len(f.Exemptions))
	for i, e := range f.Exemptions {
		items = append(items, ast.ObjectTerm(
			ast.Item(ast.StringTerm("rules"), stringsTerm(e.Rules)),
			ast.Item(ast.StringTerm("reason"), ast.StringTerm(e.Reason)),
			ast.Item(ast.StringTerm("expires"), ast.StringTerm(e.Expires.String())),
			ast.Item(ast.StringTerm("matched"), ast.BooleanTerm(i < len(matched) && matched[i])),
		))
	}
	return ast.NewObject(ast.Item(ast.StringTerm("exemptions"), ast.ArrayTerm(items...)))
}

func stringsTerm[S ~string](ss []S) *ast.Term {
	ts := make([]*ast.Term, 0, len(ss))
	for _, s := range ss {
		ts = append(ts, ast.StringTerm(string(s)))
	}
	return ast.ArrayTerm(ts...)
}
