package scan

import (
	"slices"

	"github.com/slotwise/slotcheck/internal/config"
)

// apply makes of one target's findings what its configuration says: the
// findings of rules it turns off are dropped, severities are overridden,
// and a finding an exemption in date covers is suppressed with the
// exemption's reason. It returns the indexes of the exemptions that matched
// a finding (one already exempted by an annotation included), for telling
// stale exemptions.
func (cs *configState) apply(fs []Finding, subject config.Subject, today config.Date) ([]Finding, []int) {
	if cs == nil {
		return fs, nil
	}
	var matched []int
	out := fs[:0]
	for _, f := range fs {
		sev, off := cs.file.Severity(f.Rule.ID, f.Environment, f.Severity)
		if off {
			continue
		}
		f.Severity = sev
		subject.Rule, subject.Container = f.Rule.ID, f.Container
		for _, i := range cs.byRule[f.Rule.ID] {
			e := &cs.file.Exemptions[i]
			if e.Expired(today) || !e.Matches(subject) {
				continue
			}
			if !slices.Contains(matched, i) {
				matched = append(matched, i)
			}
			if !f.Suppressed {
				f.Suppressed, f.Reason = true, e.Reason
			}
		}
		out = append(out, f)
	}
	return out, matched
}
