package config

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"
	"gopkg.in/yaml.v3"

	"github.com/slotwise/slotcheck/internal/rules"
)

// RuleID is a rule's id, upper-cased; whether the rule exists is checked
// once the policies are compiled (CheckRules).
type RuleID string

func (r *RuleID) SetScalar(n *yaml.Node) error {
	s := strings.ToUpper(strings.TrimSpace(n.Value))
	if s == "" {
		return errors.New("empty rule id")
	}
	*r = RuleID(s)
	return nil
}

// Severity is error, warning or note.
type Severity rules.Severity

func (s *Severity) SetScalar(n *yaml.Node) error {
	sev, err := rules.ParseSeverity(n.Value)
	if err != nil {
		return err
	}
	*s = Severity(sev)
	return nil
}

// Environment is development, staging or production.
type Environment string

func (e *Environment) SetScalar(n *yaml.Node) error {
	// Exactly the names, as the schema lists them: no abbreviations.
	if !slices.Contains(rules.Environments(), n.Value) {
		return fmt.Errorf("environment %q: want one of %s", n.Value, strings.Join(rules.Environments(), ", "))
	}
	*e = Environment(n.Value)
	return nil
}

// Glob is a doublestar pattern with forward slashes: * and ? stay within a
// path segment, ** spans segments.
type Glob string

func (g *Glob) SetScalar(n *yaml.Node) error {
	if n.Value == "" {
		return errors.New("empty glob")
	}
	p := strings.TrimPrefix(n.Value, "./")
	if !doublestar.ValidatePattern(p) {
		return fmt.Errorf("glob %q: %w", n.Value, doublestar.ErrBadPattern)
	}
	*g = Glob(p)
	return nil
}

// Match reports whether the glob matches s.
func (g Glob) Match(s string) bool { return doublestar.MatchUnvalidated(string(g), s) }

// Regex is an RE2 regular expression, the syntax Rego's regex.match takes.
type Regex string

func (r *Regex) SetScalar(n *yaml.Node) error {
	if _, err := regexp.Compile(n.Value); err != nil {
		var se *syntax.Error
		if errors.As(err, &se) {
			return fmt.Errorf("regular expression %q: %s", n.Value, se.Code)
		}
		return fmt.Errorf("regular expression %q: %w", n.Value, err)
	}
	*r = Regex(n.Value)
	return nil
}

// dateLayout is how dates are written: YYYY-MM-DD.
const dateLayout = "2006-01-02"

// Date is a day, written YYYY-MM-DD (quoted or not).
type Date struct{ t time.Time }

func (d *Date) SetScalar(n *yaml.Node) error {
	t, err := time.Parse(dateLayout, n.Value)
	if err != nil {
		return fmt.Errorf("date %q: want YYYY-MM-DD, a day that exists", n.Value)
	}
	d.t = t
	return nil
}

// NewDate is the day of t, in t's location.
func NewDate(t time.Time) Date {
	y, m, d := t.Date()
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// IsZero reports whether no date was written.
func (d Date) IsZero() bool { return d.t.IsZero() }

// String is the date as YYYY-MM-DD, "" when no date was written.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(dateLayout)
}

// Before reports whether d is an earlier day than o.
func (d Date) Before(o Date) bool { return d.t.Before(o.t) }

// FieldPath is a dotted path to a field of an object, such as spec.template.
type FieldPath []string

func (f *FieldPath) SetScalar(n *yaml.Node) error {
	parts := strings.Split(n.Value, ".")
	for _, p := range parts {
		if p == "" {
			return fmt.Errorf("field path %q: want dotted field names, e.g. spec.template", n.Value)
		}
	}
	*f = parts
	return nil
}
