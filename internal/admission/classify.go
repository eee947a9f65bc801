package admission

import (
	admissionv1 "k8s.io/api/admission/v1"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
)

// action is what the webhook does with one finding. A finding gets its
// action once, in classify; the response, the findings metric and the
// denial log all read that one classification, so they cannot disagree.
type action string

// The actions; their names are the findings metric's action label.
const (
	actionDeny action = "deny"
	actionWarn action = "warn"
	// actionRatcheted is an error the old object of an UPDATE already had:
	// it warns instead of denying, so that label and finalizer changes to
	// objects older than a rule keep working.
	actionRatcheted  action = "ratcheted"
	actionNote       action = "note"
	actionSuppressed action = "suppressed"
	// actionAudit is a denial that audit mode logs instead of sending.
	actionAudit action = "audit"
)

// classified is a finding and its action.
type classified struct {
	scan.Finding
	action action
	// note is what the finding's line says of its exemption; "" for none.
	note string
}

// classify gives each finding its action. old holds the findings of the
// old object, which ratchet only an UPDATE.
func classify(op admissionv1.Operation, findings, old []scan.Finding, denyCrossObject bool) []classified {
	existed := ratchetKeys(op, old)
	out := make([]classified, len(findings))
	for i, f := range findings {
		// Only an UPDATE has keys to look up: a CREATE builds none.
		out[i] = classified{Finding: f, action: actionOf(f, existed != nil && existed[ratchetKey(f)], denyCrossObject)}
	}
	return out
}

// actionOf is a finding's action; existed says the old object of an UPDATE
// had the same finding. Only errors deny: cross-object ones warn unless
// denyCrossObject, since `kubectl apply -f dir/` sends objects in an order
// nobody controls.
func actionOf(f scan.Finding, existed, denyCrossObject bool) action {
	switch {
	case f.Suppressed:
		return actionSuppressed
	case f.Severity == rules.SeverityNote:
		return actionNote
	case f.Severity == rules.SeverityWarning:
		return actionWarn
	case existed:
		return actionRatcheted
	case f.Rule.CrossObject && !denyCrossObject:
		return actionWarn
	}
	return actionDeny
}

// under is the action once the namespace's mode applies: warn mode warns
// of what it would deny, audit mode only logs it; nothing else changes.
func (a action) under(m Mode) action {
	switch {
	case a != actionDeny:
		return a
	case m == ModeWarn:
		return actionWarn
	case m == ModeAudit:
		return actionAudit
	}
	return a
}

// ratchetKeys are the ratchet keys of the old object's findings on an
// UPDATE, none otherwise.
func ratchetKeys(op admissionv1.Operation, old []scan.Finding) map[string]bool {
	if op != admissionv1.Update {
		return nil
	}
	keys := make(map[string]bool, len(old))
	for _, f := range old {
		keys[ratchetKey(f)] = true
	}
	return keys
}

// ratchetKey identifies a finding across the old and new versions of an
// object: the same rule at the same field of the same container.
func ratchetKey(f scan.Finding) string {
	return f.Rule.ID + "\x00" + f.FieldPath + "\x00" + f.Container
}
