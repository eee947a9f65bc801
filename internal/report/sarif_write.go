package report

import (
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"strings"
)

// resultsDepth is the depth of a result object in the log: log, runs, run,
// results, result.
const resultsDepth = 4

// writeSARIF writes the log, its one run's results taken from results, as
// encoding/json's MarshalIndent writes it with those results, indented by
// two spaces, and a newline.
// The few kilobytes around the results are marshalled; the results, nearly
// all of a large log, are written by hand and flushed as they go, so that
// the log is never held in memory whole.
func writeSARIF(w io.Writer, log *sarifLog, results iter.Seq[*sarifResult]) error {
	if len(log.Runs) != 1 || len(log.Runs[0].Results) > 0 {
		return fmt.Errorf("sarif: a log of %d runs, not one run whose results are yet to come", len(log.Runs))
	}
	run := &log.Runs[0]
	e := newJSONWriter(w, true)
	o := e.openObject(0)
	e.stringMember(&o, "$schema", log.Schema)
	e.key(&o, "runs")
	e.buf = append(e.buf, '[')
	e.newline(2)
	r := e.openObject(2)
	for _, m := range []struct {
		name  string
		value any
	}{
		{"automationDetails", run.AutomationDetails},
		{"columnKind", run.ColumnKind},
		{"invocations", run.Invocations},
		{"language", run.Language},
		{"newlineSequences", run.NewlineSequences},
	} {
		if err := e.marshalMember(&r, m.name, m.value); err != nil {
			return err
		}
	}
	e.key(&r, "results")
	e.buf = append(e.buf, '[')
	n := 0
	for res := range results {
		if n > 0 {
			e.buf = append(e.buf, ',')
		}
		n++
		e.newline(resultsDepth)
		e.sarifResult(res)
		if err := e.maybeFlush(); err != nil {
			return fmt.Errorf("sarif: %w", err)
		}
	}
	if n > 0 {
		e.newline(resultsDepth - 1)
	}
	e.buf = append(e.buf, ']')
	if err := e.marshalMember(&r, "tool", run.Tool); err != nil {
		return err
	}
	e.closeObject(&r)
	e.newline(1)
	e.buf = append(e.buf, ']')
	e.stringMember(&o, "version", log.Version)
	e.closeObject(&o)
	e.buf = append(e.buf, '\n')
	if err := e.flush(); err != nil {
		return fmt.Errorf("sarif: %w", err)
	}
	return nil
}

// marshalMember writes a member of o with encoding/json, indented to its depth.
func (e *jsonWriter) marshalMember(o *jsonObject, name string, v any) error {
	e.key(o, name)
	raw, err := json.MarshalIndent(v, strings.Repeat("  ", o.depth+1), "  ")
	if err != nil {
		return fmt.Errorf("sarif: %s: %w", name, err)
	}
	e.buf = append(e.buf, raw...)
	return nil
}

// sarifResult writes r at resultsDepth as encoding/json would.
func (e *jsonWriter) sarifResult(r *sarifResult) {
	const d = resultsDepth
	o := e.openObject(d)
	e.stringMember(&o, "kind", r.Kind)
	if r.Level != "" {
		e.stringMember(&o, "level", r.Level)
	}
	e.key(&o, "locations")
	e.buf = append(e.buf, '[')
	e.newline(d + 2)
	loc := &r.Locations[0]
	lo := e.openObject(d + 2)
	e.key(&lo, "logicalLocations")
	e.logicalLocations(loc.LogicalLocations, d+3)
	if phys := loc.PhysicalLocation; phys != nil {
		e.key(&lo, "physicalLocation")
		po := e.openObject(d + 3)
		e.key(&po, "artifactLocation")
		ao := e.openObject(d + 4)
		e.stringMember(&ao, "uri", phys.ArtifactLocation.URI)
		e.stringMember(&ao, "uriBaseId", phys.ArtifactLocation.URIBaseID)
		e.closeObject(&ao)
		reg := &phys.Region
		e.key(&po, "region")
		ro := e.openObject(d + 4)
		e.intMember(&ro, "endColumn", reg.EndColumn)
		e.intMember(&ro, "endLine", reg.EndLine)
		e.intMember(&ro, "startColumn", reg.StartColumn)
		e.intMember(&ro, "startLine", reg.StartLine)
		e.closeObject(&ro)
		e.closeObject(&po)
	}
	e.closeObject(&lo)
	e.newline(d + 1)
	e.buf = append(e.buf, ']')
	e.key(&o, "message")
	mo := e.openObject(d + 1)
	e.stringMember(&mo, "text", r.Message.Text)
	e.closeObject(&mo)
	e.key(&o, "partialFingerprints")
	fo := e.openObject(d + 1)
	e.stringMember(&fo, "slotcheck/v1", r.PartialFingerprints.Slotcheck)
	e.closeObject(&fo)
	e.key(&o, "properties")
	pr := e.openObject(d + 1)
	if r.Properties.ArchiveEntry != "" {
		e.stringMember(&pr, "archiveEntry", r.Properties.ArchiveEntry)
	}
	e.stringMember(&pr, "environment", r.Properties.Environment)
	e.stringMember(&pr, "field", r.Properties.Field)
	if r.Properties.Kustomization != "" {
		e.stringMember(&pr, "kustomization", r.Properties.Kustomization)
	}
	e.closeObject(&pr)
	e.stringMember(&o, "ruleId", r.RuleID)
	e.intMember(&o, "ruleIndex", r.RuleIndex)
	e.closeObject(&o)
}

// logicalLocations writes ls, an array at depth, as encoding/json would.
func (e *jsonWriter) logicalLocations(ls []sarifLogicalLocation, depth int) {
	if ls == nil {
		e.buf = append(e.buf, "null"...)
		return
	}
	e.buf = append(e.buf, '[')
	for i := range ls {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.newline(depth + 1)
		o := e.openObject(depth + 1)
		e.stringMember(&o, "fullyQualifiedName", ls[i].FullyQualifiedName)
		e.stringMember(&o, "kind", ls[i].Kind)
		e.stringMember(&o, "name", ls[i].Name)
		e.closeObject(&o)
	}
	if len(ls) > 0 {
		e.newline(depth)
	}
	e.buf = append(e.buf, ']')
}
