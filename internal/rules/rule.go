package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/slotwise/slotcheck/internal/version"
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
	// Reads lists the kinds of other objects the rule reads from
	// input.inventory, sorted as its METADATA lists them.
	Reads []Read
	// CrossObject rules read other objects: those whose Reads is not empty.
	CrossObject bool
	// Judges lists the kinds besides the workloads whose objects the rule
	// judges, sorted as its METADATA lists them: what a cluster audit
	// lists for it.
	Judges []Judged
	// Admission is false for rules that only make sense on files in a repository.
	Admission bool
	// Tags classify the rule for code scanning, e.g. security.
	Tags []string
	// Domain is what the rule checks: "k8s" for Kubernetes objects.
	Domain string
	// Package is the rule's Rego package path without the data prefix, e.g. k8s.sec001.
	Package string
	// File is the rule's source file inside the policy tree; for a custom
	// rule, its path as the folder it was loaded from names it.
	File string
	// Custom rules come from a policy folder the user gave (--policy, a
	// configuration's policies:), not from slotcheck's own tree.
	Custom bool
	// RelatedURL is the first of the METADATA's related_resources, where a
	// custom rule's own documentation lives; empty when none is given.
	RelatedURL string
	// helpURL is a built-in rule's HelpURL, made once when the rule is
	// read: every denial the webhook sends links each finding's rule.
	helpURL string
}

// Scope says which objects of a kind input.inventory holds for a target.
type Scope string

// The scopes a rule may read a kind with.
const (
	// ScopeNamespace: the objects of the target's namespace, for kinds that
	// act only there (a NetworkPolicy, an HPA).
	ScopeNamespace Scope = "namespace"
	// ScopeCluster: the objects of every namespace, for kinds that may select
	// targets elsewhere (a ServiceMonitor's namespaceSelector).
	ScopeCluster Scope = "cluster"
)

// Read is one kind of object a cross-object rule reads from input.inventory,
// where its objects are listed under Kind. APIVersion is the version the
// webhook watches the kind at.
type Read struct {
	Kind       string `yaml:"kind"`
	APIVersion string `yaml:"apiVersion"`
	Scope      Scope  `yaml:"scope"`
}

// Judged is a kind, other than the workloads lib.k8s knows, whose objects a
// rule judges (input.object.kind). APIVersion is the version a cluster audit
// lists the kind at.
type Judged struct {
	Kind       string `yaml:"kind"`
	APIVersion string `yaml:"apiVersion"`
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

// Source is the rule's file as a user finds it: under policies/ in
// slotcheck's repository for a built-in rule, the path it was loaded from
// for a custom one.
func (r *Rule) Source() string {
	if r.Custom {
		return r.File
	}
	return "policies/" + r.File
}

// HelpURL is where a rule is documented: its section of docs/rules.md for a
// built-in rule, its METADATA's related_resources for a custom one (empty
// when it names none), since the reference documents built-in rules only.
func (r *Rule) HelpURL() string {
	if r.Custom {
		return r.RelatedURL
	}
	if r.helpURL != "" {
		return r.helpURL
	}
	return r.builtinHelpURL()
}

func (r *Rule) builtinHelpURL() string { return version.RulesDoc + "#" + r.Anchor() }

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
