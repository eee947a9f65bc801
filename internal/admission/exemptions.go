package admission

import (
	"context"
	"fmt"
	"strings"

	"github.com/slotwise/slotcheck/internal/config"
	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/internal/source"
)

// ExemptionMode says which exemptions suppress findings in the cluster.
type ExemptionMode string

// The exemption modes. In config mode only the configuration file (which
// the platform team's ConfigMap holds) exempts, so that a team cannot exempt
// its own object with an annotation; annotations mode ignores the file's
// exemptions; both lets either exempt, as the CLI does.
const (
	ExemptionsBoth        ExemptionMode = "both"
	ExemptionsConfig      ExemptionMode = "config"
	ExemptionsAnnotations ExemptionMode = "annotations"
)

// ParseExemptionMode accepts config, annotations or both.
func ParseExemptionMode(s string) (ExemptionMode, error) {
	switch m := ExemptionMode(strings.ToLower(strings.TrimSpace(s))); m {
	case ExemptionsBoth, ExemptionsConfig, ExemptionsAnnotations:
		return m, nil
	}
	return "", fmt.Errorf("exemptions %q: want config, annotations or both", s)
}

// The sources of an exemption, as denials and warnings name them.
const (
	sourceAnnotation = "annotation"
	sourceConfig     = "configuration file"
)

// exempt applies the configuration in force (lc, nil without one) and the
// exemption mode to an object's findings, after evaluation: rules the file
// turns off are dropped, severities follow the namespace's environment, and
// exemptions suppress what they cover, exactly as a scan applies them
// (scan.Configuration.Apply). notes holds, per finding kept, what its line
// says of an exemption that was ignored, expired or is about to: "" for
// none; nil when there is nothing to apply.
func (h *Handler) exempt(ctx context.Context, lc *loadedConfig, obj *source.Object, c scan.Context, findings []scan.Finding) (kept []scan.Finding, notes []string) {
	if lc == nil && h.cfg.Exemptions != ExemptionsConfig {
		// Nothing to apply: no notes, and nothing allocated per review.
		return findings, nil
	}
	today := config.NewDate(h.cfg.Now())
	subject := config.Subject{Kind: obj.Kind, Namespace: obj.Namespace, Name: obj.Name}
	var dated map[int]string
	kept = findings[:0]
	for _, f := range findings {
		note := ""
		if h.cfg.Exemptions == ExemptionsConfig && f.Suppressed {
			note = fmt.Sprintf("[%s exemption ignored (%s): only the %s may exempt in this cluster]", sourceAnnotation, f.Reason, sourceConfig)
			f.Suppressed, f.Reason = false, ""
		}
		if lc != nil {
			keep, ex := lc.conf.Apply(&f, subject, today)
			if !keep {
				continue
			}
			if ex.By >= 0 {
				// Exempted by the file: an ignored annotation is no news.
				note = ""
			}
			if ex.By >= 0 && !lc.conf.File().Exemptions[ex.By].Expires.IsZero() || len(ex.Expired) > 0 && !f.Suppressed {
				if dated == nil {
					dated = lc.exemptionNotes(ctx, h, c.Environment, today)
				}
				if n := configNote(lc.conf.File(), ex, f.Suppressed, dated); n != "" {
					note = n
				}
			}
		}
		kept = append(kept, f)
		notes = append(notes, note)
	}
	return kept, notes
}

// configNote is what a finding's line says of the configuration's
// exemptions: that the one which suppressed it is about to expire, or that
// one which would cover it has expired. dated holds what the configuration
// rules report of each dated exemption.
func configNote(f *config.File, ex scan.Exempted, suppressed bool, dated map[int]string) string {
	i := ex.By
	if i < 0 {
		if suppressed || len(ex.Expired) == 0 {
			return ""
		}
		i = ex.Expired[0]
	}
	msg, ok := dated[i]
	if !ok {
		return ""
	}
	verb := "exempted by"
	if ex.By < 0 {
		verb = "not exempted by"
	}
	return fmt.Sprintf("[%s the %s (%s): %s]", verb, sourceConfig, f.Exemptions[i].Reason, msg)
}

// exemptionNotes is what the configuration rules (the config domain: an
// expired exemption, one about to expire) report of the file's exemptions
// in env today, by exemption index: the rules speak, not the webhook, so
// the cluster says what CI says. Computed once per day and environment; a
// finding the file turns off or exempts gives no note.
func (lc *loadedConfig) exemptionNotes(ctx context.Context, h *Handler, env string, today config.Date) map[int]string {
	day := today.String()
	key := env + "/" + day
	if v, ok := lc.notes.Load(key); ok {
		return v.(map[int]string)
	}
	file := lc.conf.File()
	o := &source.Object{File: file.Path, Domain: "config", Kind: config.Kind, Node: file.Node, Line: 1, Value: file.ExemptionsValue(nil)}
	fs, err := scan.Judge(ctx, h.engine, o, scan.Context{Environment: env, Today: day})
	if err != nil {
		// Without the rules' words the findings are still judged; only
		// the note on the exemption's date is missing.
		h.log.Error(err, "evaluate the configuration's exemptions", "file", file.Path)
		return nil
	}
	out := map[int]string{}
	for _, f := range fs {
		i, ok := expiresIndex(f.Path)
		if keep, _ := lc.conf.Apply(&f, config.Subject{Kind: config.Kind}, today); !ok || !keep || f.Suppressed {
			continue
		}
		if _, seen := out[i]; !seen {
			out[i] = fmt.Sprintf("[%s] %s", f.Rule.ID, f.Message)
		}
	}
	lc.notes.Store(key, out)
	return out
}

// expiresIndex is the index of the exemption whose expires a config-domain
// finding is at: exemptions[i].expires.
func expiresIndex(path []any) (int, bool) {
	if len(path) != 3 || path[0] != "exemptions" || path[2] != "expires" {
		return 0, false
	}
	i, ok := path[1].(int)
	return i, ok
}

// line is the finding's denial line with its exemption's note.
func (c classified) line() string { return withNote(denialLine(c.Finding), c.note) }

// writeLine writes c.line() to b.
func (c classified) writeLine(b *strings.Builder) {
	if c.note != "" {
		b.WriteString(c.line())
		return
	}
	writeDenialLine(b, c.Finding)
}

// withNote puts an exemption's note in a finding's line before the fix,
// which warnings leave out (fitWarnings).
func withNote(line, note string) string {
	if note == "" {
		return line
	}
	before, after, ok := strings.Cut(line, " fix: ")
	if !ok {
		return line + " " + note
	}
	return before + " " + note + " fix: " + after
}
