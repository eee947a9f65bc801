package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// Severity ranks a finding: errors fail CI and deny admission, warnings are
// shown, notes are advice.
type Severity string

// The severities a rule may declare, from most to least serious.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityNote    Severity = "note"
)

// Rank orders severities: error 3, warning 2, note 1, anything else 0.
func (s Severity) Rank() int {
	switch s {
	case SeverityError:
		return 3
	case SeverityWarning:
		return 2
	case SeverityNote:
		return 1
	}
	return 0
}

// ParseSeverity accepts error, warning or note.
func ParseSeverity(s string) (Severity, error) {
	sev := Severity(strings.ToLower(strings.TrimSpace(s)))
	if sev.Rank() == 0 {
		return "", fmt.Errorf("severity %q: want error, warning or note", s)
	}
	return sev, nil
}

// Environments lists the environments slotcheck knows, least strict first.
func Environments() []string { return []string{"development", "staging", "production"} }

// Rule is one rule's metadata, read from the METADATA block of its package.
type Rule struct {
	ID          string
	Title       string
	Description string
	Severity    Severity
	Section     string
	Remediation string
	// Environments lists where the rule is evaluated.
	Environments []string
	// EnvironmentSeverity overrides Severity in some environments.
	EnvironmentSeverity map[string]Severity
	// CrossObject rules read the inventory of other objects.
	CrossObject bool
	// Admission is false for rules that only make sense on files in a repository.
	Admission bool
	// Tags classify the rule for code scanning, e.g. security.
	Tags []string
	// Domain is what the rule checks: "k8s" for Kubernetes objects.
	Domain string
	// Package is the rule's Rego package path without the data prefix, e.g. k8s.sec001.
	Package string
	// File is the rule's source file inside the policy tree.
	File string
}

// AppliesIn reports whether the rule is evaluated in the environment.
func (r *Rule) AppliesIn(env string) bool { return slices.Contains(r.Environments, env) }

// SeverityIn is the rule's severity in the environment.
func (r *Rule) SeverityIn(env string) Severity {
	if s, ok := r.EnvironmentSeverity[env]; ok {
		return s
	}
	return r.Severity
}

// Anchor is the rule's anchor in docs/rules.md, e.g. sec001.
func (r *Rule) Anchor() string { return strings.ToLower(r.ID) }

// ruleFromAnnotations reads a rule package's METADATA; every field the
// contract in policies/README.md requires must be present.
func ruleFromAnnotations(file string, pkg string, a *ast.Annotations) (*Rule, error) {
	if a == nil {
		return nil, fmt.Errorf("%s: package %s has no METADATA block", file, pkg)
	}
	r := &Rule{
		Title:       strings.TrimSpace(a.Title),
		Description: unwrap(a.Description),
		Package:     pkg,
		File:        file,
		Domain:      strings.SplitN(pkg, ".", 2)[0],
		Admission:   true,
	}
	var problems []string
	str := func(key string) string {
		v, ok := a.Custom[key]
		if !ok {
			problems = append(problems, "custom."+key+" is missing")
			return ""
		}
		s, ok := v.(string)
		if !ok || strings.TrimSpace(s) == "" {
			problems = append(problems, "custom."+key+" must be a non-empty string")
		}
		return strings.TrimSpace(s)
	}
	r.ID = str("id")
	r.Section = str("section")
	r.Remediation = unwrap(str("remediation"))
	if sev, err := ParseSeverity(str("severity")); err != nil {
		problems = append(problems, "custom."+err.Error())
	} else {
		r.Severity = sev
	}
	if r.Title == "" {
		problems = append(problems, "title is missing")
	}
	if r.Description == "" {
		problems = append(problems, "description is missing")
	}
	envs, ok := a.Custom["environments"].([]any)
	if !ok || len(envs) == 0 {
		problems = append(problems, "custom.environments must list environments")
	}
	for _, e := range envs {
		s, _ := e.(string)
		if !slices.Contains(Environments(), s) {
			problems = append(problems, fmt.Sprintf("custom.environments: unknown environment %v", e))
			continue
		}
		r.Environments = append(r.Environments, s)
	}
	if raw, ok := a.Custom["environment_severity"]; ok {
		m, ok := raw.(map[string]any)
		if !ok {
			problems = append(problems, "custom.environment_severity must map environments to severities")
		}
		r.EnvironmentSeverity = map[string]Severity{}
		for env, v := range m {
			s, _ := v.(string)
			sev, err := ParseSeverity(s)
			if err != nil || !slices.Contains(Environments(), env) {
				problems = append(problems, fmt.Sprintf("custom.environment_severity: %s: %v", env, v))
				continue
			}
			r.EnvironmentSeverity[env] = sev
		}
	}
	if raw, ok := a.Custom["tags"]; ok {
		list, ok := raw.([]any)
		if !ok {
			problems = append(problems, "custom.tags must be a list of strings")
		}
		for _, t := range list {
			s, ok := t.(string)
			if !ok || s == "" {
				problems = append(problems, fmt.Sprintf("custom.tags: %v is not a string", t))
				continue
			}
			r.Tags = append(r.Tags, s)
		}
	}
	for key, dst := range map[string]*bool{"cross_object": &r.CrossObject, "admission": &r.Admission} {
		if raw, ok := a.Custom[key]; ok {
			b, ok := raw.(bool)
			if !ok {
				problems = append(problems, "custom."+key+" must be true or false")
			}
			*dst = b
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s: package %s: %s", file, pkg, strings.Join(problems, "; "))
	}
	return r, nil
}

// unwrap joins the lines of a METADATA text block that were wrapped for the
// source file, keeping blank lines as paragraph breaks, so that reports and
// SARIF show each paragraph as one line.
func unwrap(s string) string {
	var paras []string
	for _, p := range strings.Split(strings.TrimSpace(s), "\n\n") {
		paras = append(paras, strings.Join(strings.Fields(p), " "))
	}
	return strings.Join(paras, "\n\n")
}
