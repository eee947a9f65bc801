package admission

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/internal/source"
)

// verdict classifies the findings, old being the old object's (notes, when
// not nil, says what each finding's line adds of its exemption), and applies
// the namespace's mode to them: denials deny in enforce mode, warn in warn
// mode and are only logged in audit mode, which sends no warnings either.
// Each finding is counted once, with the action the mode gave it.
//
// Only what the answer shows is built: warnings are built short (fitWarnings
// would cut the fix and link off), and full lines only for a denial's
// message and the audit log.
func (h *Handler) verdict(req admission.Request, obj *source.Object, mode Mode, findings []scan.Finding, notes []string, old []scan.Finding) (admission.Response, string) {
	list := classify(req.Operation, findings, old, h.cfg.DenyCrossObject)
	denials := 0
	for i := range list {
		if i < len(notes) {
			list[i].note = notes[i]
		}
		h.metrics.finding(list[i].Rule.ID, string(list[i].action.under(mode)))
		if list[i].action == actionDeny {
			denials++
		}
	}
	switch {
	case denials == 0 && mode == ModeAudit:
		return admission.Allowed(""), "allowed"
	case denials == 0:
		return admission.Allowed("").WithWarnings(fitWarnings(warnings(list, false))...), "allowed"
	case mode == ModeAudit:
		// The log is all an operator gets of an audited object: it keeps
		// every line.
		h.log.Info("audit: would deny", "object", describe(obj), "namespace", req.Namespace, "user", req.UserInfo.Username, "findings", denialLines(list))
		return admission.Allowed(""), "audited"
	case mode == ModeWarn:
		return admission.Allowed("").WithWarnings(fitWarnings(warnings(list, true))...), "warned"
	}
	who := describe(obj)
	// The user got every line in the denial; the log says who was denied
	// for which rules, without encoding each finding again.
	h.log.Info("denied", "object", who, "namespace", req.Namespace, "operation", req.Operation, "user", req.UserInfo.Username,
		"dryRun", req.DryRun != nil && *req.DryRun, "findings", denials, "rules", deniedRules(list))
	return admission.Denied(denialMessage(who, denials, list)).WithWarnings(fitWarnings(warnings(list, false))...), "denied"
}

// denialMessage is what kubectl shows of a denial: who was denied, how many
// findings, and each denied finding's line in the list's order.
//
// The message is the largest string a review builds: it is written once,
// each line straight into it, into room reserved for all of them.
func denialMessage(who string, denials int, list []classified) string {
	count := strconv.Itoa(denials)
	const head, tail = "slotcheck denied ", " finding(s)):"
	n := len(head) + len(who) + 2 + len(count) + len(tail)
	for _, c := range list {
		if c.action == actionDeny {
			n += 1 + lineRoom(c.Finding) + len(c.note)
		}
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(head)
	b.WriteString(who)
	b.WriteString(" (")
	b.WriteString(count)
	b.WriteString(tail)
	for _, c := range list {
		if c.action == actionDeny {
			b.WriteByte('\n')
			c.writeLine(&b)
		}
	}
	return b.String()
}

// denialLines are the list's denials as kubectl would show them.
func denialLines(list []classified) []string {
	var out []string
	for _, c := range list {
		if c.action == actionDeny {
			out = append(out, c.line())
		}
	}
	return out
}

// deniedRules names the rules denied, each once, in the list's order.
func deniedRules(list []classified) string {
	var ids []string
	for _, c := range list {
		if c.action == actionDeny && !slices.Contains(ids, c.Rule.ID) {
			ids = append(ids, c.Rule.ID)
		}
	}
	return strings.Join(ids, ",")
}

// warnings are the list's warnings as kubectl shows them, short (see
// fitWarnings), in the list's order; with denials, the denials first, as
// warn mode sends them. A ratcheted finding's warning says why it was not
// denied, and a suppressed finding warns only when its exemption has a note
// (about to expire).
func warnings(list []classified, denials bool) []string {
	var out []string
	if denials {
		for _, c := range list {
			if c.action == actionDeny {
				out = append(out, c.short(""))
			}
		}
	}
	for _, c := range list {
		switch c.action {
		case actionWarn:
			out = append(out, c.short(""))
		case actionRatcheted:
			out = append(out, c.short("pre-existing, not denied on update: "))
		case actionSuppressed:
			// Only the note is news: the finding itself is exempted.
			if c.note != "" {
				out = append(out, "["+c.Rule.ID+"] "+c.note)
			}
		}
	}
	return out
}

// short is the finding's line up to its fix, after prefix: what
// fitWarnings keeps of prefix+c.line(), built without the rest.
func (c classified) short(prefix string) string {
	f := c.Finding
	n := len(prefix) + len(f.Rule.ID) + len(f.Message) + len(f.FieldPath) + len(f.Container) + len(c.note) + 32
	var b strings.Builder
	b.Grow(n)
	b.WriteString(prefix)
	writeFinding(&b, f)
	if c.note != "" {
		b.WriteByte(' ')
		b.WriteString(c.note)
	}
	return b.String()
}

// writeFinding writes what a finding's line says before its fix:
// [ID] message (field path, container).
func writeFinding(b *strings.Builder, f scan.Finding) {
	b.WriteByte('[')
	b.WriteString(f.Rule.ID)
	b.WriteString("] ")
	b.WriteString(f.Message)
	b.WriteString(" (")
	b.WriteString(f.FieldPath)
	if f.Container != "" {
		b.WriteString(", container ")
		b.WriteString(f.Container)
	}
	b.WriteByte(')')
}

// denialLine is one finding as kubectl shows it:
// [ID] message (field path, container) fix: remediation. See <help URI>
func denialLine(f scan.Finding) string {
	var b strings.Builder
	b.Grow(lineRoom(f))
	writeDenialLine(&b, f)
	return b.String()
}

// writeDenialLine writes denialLine(f) to b.
func writeDenialLine(b *strings.Builder, f scan.Finding) {
	writeFinding(b, f)
	b.WriteString(" fix: ")
	b.WriteString(strings.TrimSuffix(f.Rule.Remediation, "."))
	b.WriteByte('.')
	if url := f.Rule.HelpURL(); url != "" {
		b.WriteString(" See ")
		b.WriteString(url)
	}
}

// lineRoom is room enough for denialLine(f): its parts and the 30 bytes
// of punctuation around them at most.
func lineRoom(f scan.Finding) int {
	return len(f.Rule.ID) + len(f.Message) + len(f.FieldPath) + len(f.Container) + len(f.Rule.Remediation) + len(f.Rule.HelpURL()) + 32
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
