package scan

import (
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/slotwise/slotcheck/internal/config"
)

// Configuration is a configuration file as it is applied to findings: the
// one application of rule tuning and exemptions, which a scan and the
// admission webhook share so that CI and the cluster agree.
type Configuration struct {
	file *config.File
	// data is what the file sets of the data rules read (input.config).
	data ast.Value
	// byRule indexes the exemptions by the rule ids they name.
	byRule map[string][]int
	// disabled lists the ids of the rules the file turns off, sorted.
	disabled []string
}

// NewConfiguration prepares a decoded file (without errors) for applying.
func NewConfiguration(f *config.File) *Configuration {
	c := &Configuration{file: f, data: f.RuleData(), byRule: map[string][]int{}}
	for i, e := range f.Exemptions {
		for _, id := range e.Rules {
			c.byRule[string(id)] = append(c.byRule[string(id)], i)
		}
	}
	for id, s := range f.Rules {
		if s.Disabled {
			c.disabled = append(c.disabled, string(id))
		}
	}
	slices.Sort(c.disabled)
	return c
}

// File is the configuration file as decoded.
func (c *Configuration) File() *config.File { return c.file }

// RuleData is input.config for a judgement; nil without a configuration.
func (c *Configuration) RuleData() ast.Value {
	if c == nil {
		return nil
	}
	return c.data
}

// Disabled lists the ids of the rules the file turns off, sorted; nil
// without a configuration.
func (c *Configuration) Disabled() []string {
	if c == nil {
		return nil
	}
	return c.disabled
}

// Exempted is what a configuration's exemptions made of one finding, by
// the exemptions' indexes in the file.
type Exempted struct {
	// By is the exemption that suppressed the finding; -1 when none did,
	// or when the finding was already suppressed (by an annotation).
	By int
	// Matched lists the exemptions in date that cover the finding.
	Matched []int
	// Expired lists the exemptions past their day that would cover it:
	// they suppress nothing.
	Expired []int
}

// Apply makes of one finding what the configuration says: keep is false
// when the file turns its rule off; otherwise its severity is overridden
// (for its environment) and the first exemption in date that covers it
// suppresses it with the exemption's reason, unless it is suppressed
// already.
func (c *Configuration) Apply(f *Finding, subject config.Subject, today config.Date) (keep bool, ex Exempted) {
	ex.By = -1
	sev, off := c.file.Severity(f.Rule.ID, f.Environment, f.Severity)
	if off {
		return false, ex
	}
	f.Severity = sev
	subject.Rule, subject.Container = f.Rule.ID, f.Container
	for _, i := range c.byRule[f.Rule.ID] {
		e := &c.file.Exemptions[i]
		switch {
		case !e.Matches(subject):
			continue
		case e.Expired(today):
			ex.Expired = append(ex.Expired, i)
			continue
		}
		ex.Matched = append(ex.Matched, i)
		if !f.Suppressed {
			f.Suppressed, f.Reason, ex.By = true, e.Reason, i
		}
	}
	return true, ex
}

// apply applies the configuration to one target's findings, in place. It
// returns the indexes of the exemptions that matched a finding (one already
// exempted by an annotation included), for telling stale exemptions.
func (c *Configuration) apply(fs []Finding, subject config.Subject, today config.Date) ([]Finding, []int) {
	if c == nil {
		return fs, nil
	}
	var matched []int
	out := fs[:0]
	for _, f := range fs {
		keep, ex := c.Apply(&f, subject, today)
		if !keep {
			continue
		}
		for _, i := range ex.Matched {
			if !slices.Contains(matched, i) {
				matched = append(matched, i)
			}
		}
		out = append(out, f)
	}
	return out, matched
}
