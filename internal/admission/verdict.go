package admission

import (
	"fmt"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/internal/source"
	"github.com/slotwise/slotcheck/internal/version"
)

// verdict classifies the findings, old being the old object's (notes, when
// not nil, says what each finding's line adds of its exemption), and applies
// the namespace's mode to them: denials deny in enforce mode, warn in warn
// mode and are only logged in audit mode, which sends no warnings either.
// Each finding is counted once, with the action the mode gave it.
func (h *Handler) verdict(req admission.Request, obj *source.Object, mode Mode, findings []scan.Finding, notes []string, old []scan.Finding) (admission.Response, string) {
	list := classify(req.Operation, findings, old, h.cfg.DenyCrossObject)
	for i := range notes {
		list[i].note = notes[i]
	}
	for _, c := range list {
		h.metrics.finding(c.Rule.ID, string(c.action.under(mode)))
	}
	deny, warn := lines(list)
	switch {
	case len(deny) == 0 && mode == ModeAudit:
		return admission.Allowed(""), "allowed"
	case len(deny) == 0:
		return admission.Allowed("").WithWarnings(fitWarnings(warn)...), "allowed"
	case mode == ModeAudit:
		h.log.Info("audit: would deny", "object", describe(obj), "namespace", req.Namespace, "user", req.UserInfo.Username, "findings", deny)
		return admission.Allowed(""), "audited"
	case mode == ModeWarn:
		return admission.Allowed("").WithWarnings(fitWarnings(append(deny, warn...))...), "warned"
	}
	who := describe(obj)
	h.log.Info("denied", "object", who, "namespace", req.Namespace, "operation", req.Operation, "user", req.UserInfo.Username, "dryRun", req.DryRun != nil && *req.DryRun, "findings", deny)
	msg := fmt.Sprintf("slotcheck denied %s (%d finding(s)):\n%s", who, len(deny), strings.Join(deny, "\n"))
	return admission.Denied(msg).WithWarnings(fitWarnings(warn)...), "denied"
}

// lines are the list's denials and warnings as kubectl shows them, in the
// list's order; a ratcheted finding's warning says why it was not denied,
// and a suppressed finding warns only when its exemption has a note (about
// to expire).
func lines(list []classified) (deny, warn []string) {
	for _, c := range list {
		switch c.action {
		case actionDeny:
			deny = append(deny, c.line())
		case actionWarn:
			warn = append(warn, c.line())
		case actionRatcheted:
			warn = append(warn, "pre-existing, not denied on update: "+c.line())
		case actionSuppressed:
			// Only the note is news: the finding itself is exempted.
			if c.note != "" {
				warn = append(warn, "["+c.Rule.ID+"] "+c.note)
			}
		}
	}
	return deny, warn
}

// denialLine is one finding as kubectl shows it:
// [ID] message (field path, container) fix: remediation. See <help URI>
func denialLine(f scan.Finding) string {
	where := f.FieldPath
	if f.Container != "" {
		where += ", container " + f.Container
	}
	return fmt.Sprintf("[%s] %s (%s) fix: %s See %s#%s", f.Rule.ID, f.Message, where, strings.TrimSuffix(f.Rule.Remediation, ".")+".", version.RulesDoc, f.Rule.Anchor())
}

// describe names the object, and its owner when a controller owns it: the
// owner is what a user should fix.
func describe(o *source.Object) string {
	who := o.Kind + "/" + o.Name
	meta, _ := field(o.Value, "metadata").(ast.Object)
	owners, ok := field(meta, "ownerReferences").(*ast.Array)
	if !ok || owners.Len() == 0 {
		return who
	}
	owner := owners.Elem(0).Value
	k, _ := field(owner, "kind").(ast.String)
	n, _ := field(owner, "name").(ast.String)
	return fmt.Sprintf("%s (owned by %s/%s: fix the %s)", who, string(k), string(n), string(k))
}
