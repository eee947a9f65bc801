package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
)

// The lean SARIF log is what go-sarif marshals with every unset sentinel,
// every empty array but results and every empty object removed (see lean),
// keys sorted and indented by two spaces. Results are nearly all of a large
// log, so they are written straight from go-sarif's structs by the writers
// below, which apply the same rules field by field; everything else, a few
// kilobytes, takes the generic way through encoding/json and lean. A result
// holding anything these writers do not know is written the generic way too,
// so the output never depends on which way a value went.

// resultsDepth is the depth of a result object in the log: log, runs, run,
// results, result.
const resultsDepth = 4

// writeLean writes the log as leanJSON would, byte for byte.
func writeLean(w io.Writer, log *sarif.Report) error {
	// The results are set aside while go-sarif marshals the rest of the log
	// and put back when the log has been written.
	results := make([][]*sarif.Result, len(log.Runs))
	for i, run := range log.Runs {
		if run != nil && len(run.Results) > 0 {
			results[i], run.Results = run.Results, []*sarif.Result{}
		}
	}
	defer func() {
		for i, run := range log.Runs {
			if results[i] != nil {
				run.Results = results[i]
			}
		}
	}()
	var raw bytes.Buffer
	if err := log.Write(&raw); err != nil {
		return fmt.Errorf("sarif: %w", err)
	}
	doc, err := decodeLean(raw.Bytes())
	if err != nil {
		return err
	}
	root, ok := doc.(map[string]any)
	if !ok {
		return fmt.Errorf("sarif: log is a %T, not an object", doc)
	}
	e := newJSONWriter(w, true, true)
	o := e.openObject(0)
	for _, k := range slices.Sorted(maps.Keys(root)) {
		e.key(&o, k)
		if k != "runs" {
			if err := e.value(root[k], 1); err != nil {
				return err
			}
			continue
		}
		runs, ok := root[k].([]any)
		if !ok || len(runs) != len(results) {
			return fmt.Errorf("sarif: the log's runs are not the %d runs built", len(results))
		}
		e.buf = append(e.buf, '[')
		for i, run := range runs {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.newline(2)
			if err := e.run(run, results[i]); err != nil {
				return err
			}
		}
		e.newline(1)
		e.buf = append(e.buf, ']')
	}
	e.closeObject(&o)
	e.buf = append(e.buf, '\n')
	if err := e.flush(); err != nil {
		return fmt.Errorf("sarif: %w", err)
	}
	return nil
}

// run writes one lean run at depth 2, with its results from rs.
func (e *jsonWriter) run(run any, rs []*sarif.Result) error {
	if rs == nil {
		return e.value(run, 2)
	}
	m, ok := run.(map[string]any)
	if !ok {
		return fmt.Errorf("sarif: a run with results is a %T, not an object", run)
	}
	o := e.openObject(2)
	for _, k := range slices.Sorted(maps.Keys(m)) {
		e.key(&o, k)
		if k != "results" {
			if err := e.value(m[k], 3); err != nil {
				return err
			}
			continue
		}
		e.buf = append(e.buf, '[')
		for i, r := range rs {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.newline(resultsDepth)
			if err := e.result(r); err != nil {
				return err
			}
			if err := e.maybeFlush(); err != nil {
				return fmt.Errorf("sarif: %w", err)
			}
		}
		e.newline(3)
		e.buf = append(e.buf, ']')
	}
	e.closeObject(&o)
	return nil
}

// leanJSON is the lean log the long way: marshalled by go-sarif, decoded,
// stripped by lean and marshalled again. writeLean must match it.
func leanJSON(log *sarif.Report) ([]byte, error) {
	var raw bytes.Buffer
	if err := log.Write(&raw); err != nil {
		return nil, fmt.Errorf("sarif: %w", err)
	}
	doc, err := decodeLean(raw.Bytes())
	if err != nil {
		return nil, err
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("sarif: %w", err)
	}
	return append(out, '\n'), nil
}

// decodeLean decodes marshalled SARIF, numbers as written, and strips it.
func decodeLean(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("sarif: %w", err)
	}
	return lean(doc), nil
}

// value writes a decoded JSON value at depth as MarshalIndent writes it.
func (e *jsonWriter) value(v any, depth int) error {
	switch x := v.(type) {
	case nil:
		e.buf = append(e.buf, "null"...)
	case bool:
		if x {
			e.buf = append(e.buf, "true"...)
		} else {
			e.buf = append(e.buf, "false"...)
		}
	case string:
		e.str(x)
	case json.Number:
		e.buf = append(e.buf, x...)
	case []any:
		if len(x) == 0 {
			e.buf = append(e.buf, '[', ']')
			return nil
		}
		e.buf = append(e.buf, '[')
		for i, el := range x {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			e.newline(depth + 1)
			if err := e.value(el, depth+1); err != nil {
				return err
			}
		}
		e.newline(depth)
		e.buf = append(e.buf, ']')
	case map[string]any:
		o := e.openObject(depth)
		for _, k := range slices.Sorted(maps.Keys(x)) {
			e.key(&o, k)
			if err := e.value(x[k], depth+1); err != nil {
				return err
			}
		}
		e.closeObject(&o)
	default:
		return fmt.Errorf("sarif: unexpected %T in decoded JSON", v)
	}
	return nil
}

// result writes one result at resultsDepth, the fast way when it can.
func (e *jsonWriter) result(r *sarif.Result) error {
	start := len(e.buf)
	if e.fastResult(r) {
		return nil
	}
	e.buf = e.buf[:start]
	raw, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("sarif: %w", err)
	}
	v, err := decodeLean(raw)
	if err != nil {
		return err
	}
	return e.value(v, resultsDepth)
}

// The fast writers below each write one go-sarif type as an object at
// depth, members in sorted order, and report false, leaving a partly
// written value for the caller to discard, on meeting a member they do not
// know how to write. A member is written as lean leaves it: a nil pointer
// or empty value under omitempty is left out as encoding/json leaves it out;
// a nil slice without omitempty is null; an empty array other than results,
// an empty object and -1 under an unset-sentinel key are left out.

func (e *jsonWriter) fastResult(r *sarif.Result) bool {
	if r == nil {
		e.buf = append(e.buf, "null"...)
		return true
	}
	if r.Provenance != nil || r.Rule != nil || r.WebRequest != nil || r.WebResponse != nil || r.Rank != -1 {
		return false
	}
	o := e.openObject(resultsDepth)
	ok := e.artifactLocationMember(&o, "analysisTarget", r.AnalysisTarget) &&
		unknownArray(e, &o, "attachments", r.Attachments) &&
		e.stringPtrMember(&o, "baselineState", r.BaselineState) &&
		unknownArray(e, &o, "codeFlows", r.CodeFlows) &&
		e.stringPtrMember(&o, "correlationGuid", r.CorrelationGuID) &&
		e.stringMapMember(&o, "fingerprints", r.Fingerprints) &&
		unknownArray(e, &o, "fixes", r.Fixes) &&
		unknownArray(e, &o, "graphTraversals", r.GraphTraversals) &&
		unknownArray(e, &o, "graphs", r.Graphs) &&
		e.stringPtrMember(&o, "guid", r.GuID) &&
		e.stringPtrMember(&o, "hostedViewerUri", r.HostedViewerURI)
	if !ok {
		return false
	}
	if r.Kind != "" {
		e.stringMember(&o, "kind", r.Kind)
	}
	if r.Level != "" {
		e.stringMember(&o, "level", r.Level)
	}
	ok = e.locationsMember(&o, "locations", r.Locations) &&
		e.messageMember(&o, "message", r.Message) &&
		e.intPtrMember(&o, "occurrenceCount", r.OccurrenceCount) &&
		e.stringMapMember(&o, "partialFingerprints", r.PartialFingerprints) &&
		e.propertiesMember(&o, "properties", r.Properties) &&
		// rank is -1, unset, and provenance and rule are nil: checked above.
		e.locationsMember(&o, "relatedLocations", r.RelatedLocations) &&
		e.stringPtrMember(&o, "ruleId", r.RuleID)
	if !ok {
		return false
	}
	e.intMember(&o, "ruleIndex", r.RuleIndex)
	ok = unknownArray(e, &o, "stacks", r.Stacks) &&
		len(r.Suppressions) == 0 && // omitempty
		unknownArray(e, &o, "taxa", r.Taxa)
	if !ok {
		return false
	}
	// webRequest and webResponse are nil: checked above.
	if len(r.WorkItemUris) > 0 {
		e.key(&o, "workItemUris")
		e.stringArray(r.WorkItemUris, resultsDepth+1)
	}
	e.closeObject(&o)
	return true
}

// unknownArray writes a member, not omitempty, of a type the fast writers
// do not know: it can only be null or empty.
func unknownArray[T any](e *jsonWriter, o *jsonObject, name string, s []T) bool {
	if s == nil {
		e.key(o, name)
		e.buf = append(e.buf, "null"...)
	}
	return len(s) == 0
}

func (e *jsonWriter) stringPtrMember(o *jsonObject, name string, s *string) bool {
	if s != nil {
		e.stringMember(o, name, *s)
	}
	return true
}

func (e *jsonWriter) intPtrMember(o *jsonObject, name string, n *int) bool {
	if n != nil {
		e.sentinelMember(o, name, *n)
	}
	return true
}

// sentinelMember writes an int member unless it is -1 under a key where
// SARIF means "unset" by it.
func (e *jsonWriter) sentinelMember(o *jsonObject, name string, n int) {
	if n == -1 && unsetSentinel(name) {
		return
	}
	e.intMember(o, name, n)
}

// stringMapMember writes a map[string]string under omitempty.
func (e *jsonWriter) stringMapMember(o *jsonObject, name string, m map[string]string) bool {
	if len(m) == 0 {
		return true
	}
	e.key(o, name)
	inner := e.openObject(o.depth + 1)
	if len(m) == 1 {
		for k, v := range m {
			e.stringMember(&inner, k, v)
		}
	} else {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			e.stringMember(&inner, k, m[k])
		}
	}
	e.closeObject(&inner)
	return true
}

// propertiesMember writes a property bag as its MarshalJSON does: the
// properties, and tags when there are any; it knows string properties only.
func (e *jsonWriter) propertiesMember(o *jsonObject, name string, p *sarif.PropertyBag) bool {
	if p == nil {
		return true
	}
	if _, clash := p.Properties["tags"]; clash {
		return false
	}
	mark := e.key(o, name)
	inner := e.openObject(o.depth + 1)
	write := func(k string) bool {
		if k == "tags" {
			e.key(&inner, k)
			e.stringArray(p.Tags, inner.depth+1)
			return true
		}
		s, ok := p.Properties[k].(string)
		if ok {
			e.stringMember(&inner, k, s)
		}
		return ok
	}
	if len(p.Tags) == 0 && len(p.Properties) <= 2 {
		// Most bags hold one or two properties: no sorting slice for those.
		var keys [2]string
		n := 0
		for k := range p.Properties {
			keys[n] = k
			n++
		}
		if n == 2 && keys[1] < keys[0] {
			keys[0], keys[1] = keys[1], keys[0]
		}
		for _, k := range keys[:n] {
			if !write(k) {
				return false
			}
		}
	} else {
		keys := slices.Collect(maps.Keys(p.Properties))
		if len(p.Tags) > 0 {
			keys = append(keys, "tags")
		}
		slices.Sort(keys)
		for _, k := range keys {
			if !write(k) {
				return false
			}
		}
	}
	if !e.closeObject(&inner) {
		e.drop(o, mark)
	}
	return true
}

func (e *jsonWriter) messageMember(o *jsonObject, name string, m *sarif.Message) bool {
	if m == nil {
		return true
	}
	mark := e.key(o, name)
	inner := e.openObject(o.depth + 1)
	switch {
	case m.Arguments == nil:
		e.key(&inner, "arguments")
		e.buf = append(e.buf, "null"...)
	case len(m.Arguments) > 0:
		e.key(&inner, "arguments")
		e.stringArray(m.Arguments, inner.depth+1)
	}
	ok := e.stringPtrMember(&inner, "id", m.ID) &&
		e.stringPtrMember(&inner, "markdown", m.Markdown) &&
		e.propertiesMember(&inner, "properties", m.Properties) &&
		e.stringPtrMember(&inner, "text", m.Text)
	if !ok {
		return false
	}
	if !e.closeObject(&inner) {
		e.drop(o, mark)
	}
	return true
}

// locationsMember writes a []*Location member, which is not omitempty.
func (e *jsonWriter) locationsMember(o *jsonObject, name string, ls []*sarif.Location) bool {
	return arrayMember(e, o, name, ls, e.location)
}

// arrayMember writes a member holding a list that go-sarif does not mark
// omitempty: null when nil, nothing when empty, else each item in turn.
func arrayMember[T any](e *jsonWriter, o *jsonObject, name string, items []T, item func(T, int) bool) bool {
	if items == nil {
		e.key(o, name)
		e.buf = append(e.buf, "null"...)
		return true
	}
	if len(items) == 0 {
		return true
	}
	e.key(o, name)
	e.buf = append(e.buf, '[')
	for i, it := range items {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.newline(o.depth + 2)
		if !item(it, o.depth+2) {
			return false
		}
	}
	e.newline(o.depth + 1)
	e.buf = append(e.buf, ']')
	return true
}

func (e *jsonWriter) location(l *sarif.Location, depth int) bool {
	if l == nil {
		e.buf = append(e.buf, "null"...)
		return true
	}
	o := e.openObject(depth)
	ok := e.regionsMember(&o, "annotations", l.Annotations)
	if !ok {
		return false
	}
	e.sentinelMember(&o, "id", l.ID)
	ok = e.logicalLocationsMember(&o, "logicalLocations", l.LogicalLocations) &&
		e.messageMember(&o, "message", l.Message) &&
		e.physicalLocationMember(&o, "physicalLocation", l.PhysicalLocation) &&
		e.propertiesMember(&o, "properties", l.Properties) &&
		unknownArray(e, &o, "relationships", l.Relationships)
	if !ok {
		return false
	}
	e.closeObject(&o)
	return true
}

func (e *jsonWriter) logicalLocationsMember(o *jsonObject, name string, ls []*sarif.LogicalLocation) bool {
	return arrayMember(e, o, name, ls, e.logicalLocation)
}

func (e *jsonWriter) logicalLocation(l *sarif.LogicalLocation, depth int) bool {
	if l == nil {
		e.buf = append(e.buf, "null"...)
		return true
	}
	o := e.openObject(depth)
	e.stringPtrMember(&o, "decoratedName", l.DecoratedName)
	e.stringPtrMember(&o, "fullyQualifiedName", l.FullyQualifiedName)
	e.sentinelMember(&o, "index", l.Index)
	e.stringPtrMember(&o, "kind", l.Kind)
	e.stringPtrMember(&o, "name", l.Name)
	e.sentinelMember(&o, "parentIndex", l.ParentIndex)
	if !e.propertiesMember(&o, "properties", l.Properties) {
		return false
	}
	e.closeObject(&o)
	return true
}

func (e *jsonWriter) physicalLocationMember(o *jsonObject, name string, p *sarif.PhysicalLocation) bool {
	if p == nil {
		return true
	}
	if p.Address != nil {
		return false
	}
	mark := e.key(o, name)
	inner := e.openObject(o.depth + 1)
	ok := e.artifactLocationMember(&inner, "artifactLocation", p.ArtifactLocation) &&
		e.regionMember(&inner, "contextRegion", p.ContextRegion) &&
		e.propertiesMember(&inner, "properties", p.Properties) &&
		e.regionMember(&inner, "region", p.Region)
	if !ok {
		return false
	}
	if !e.closeObject(&inner) {
		e.drop(o, mark)
	}
	return true
}

func (e *jsonWriter) artifactLocationMember(o *jsonObject, name string, a *sarif.ArtifactLocation) bool {
	if a == nil {
		return true
	}
	mark := e.key(o, name)
	inner := e.openObject(o.depth + 1)
	if !e.messageMember(&inner, "description", a.Description) {
		return false
	}
	e.sentinelMember(&inner, "index", a.Index)
	if !e.propertiesMember(&inner, "properties", a.Properties) {
		return false
	}
	e.stringPtrMember(&inner, "uri", a.URI)
	e.stringPtrMember(&inner, "uriBaseId", a.URIBaseID)
	if !e.closeObject(&inner) {
		e.drop(o, mark)
	}
	return true
}

// regionsMember writes a []*Region member, which is not omitempty.
func (e *jsonWriter) regionsMember(o *jsonObject, name string, rs []*sarif.Region) bool {
	return arrayMember(e, o, name, rs, func(r *sarif.Region, depth int) bool {
		if r == nil {
			e.buf = append(e.buf, "null"...)
			return true
		}
		_, ok := e.region(r, depth)
		return ok
	})
}

func (e *jsonWriter) regionMember(o *jsonObject, name string, r *sarif.Region) bool {
	if r == nil {
		return true
	}
	mark := e.key(o, name)
	nonEmpty, ok := e.region(r, o.depth+1)
	if ok && !nonEmpty {
		e.drop(o, mark)
	}
	return ok
}

// region writes r and reports whether it has members, and false for ok on
// meeting one it does not know.
func (e *jsonWriter) region(r *sarif.Region, depth int) (nonEmpty, ok bool) {
	if r.Snippet != nil {
		return false, false
	}
	o := e.openObject(depth)
	e.intPtrMember(&o, "byteLength", r.ByteLength)
	e.sentinelMember(&o, "byteOffset", r.ByteOffset)
	e.intPtrMember(&o, "charLength", r.CharLength)
	e.sentinelMember(&o, "charOffset", r.CharOffset)
	e.intPtrMember(&o, "endColumn", r.EndColumn)
	e.intPtrMember(&o, "endLine", r.EndLine)
	ok = e.messageMember(&o, "message", r.Message) &&
		e.propertiesMember(&o, "properties", r.Properties)
	if !ok {
		return false, false
	}
	// snippet is nil: checked above.
	e.stringPtrMember(&o, "sourceLanguage", r.SourceLanguage)
	e.intPtrMember(&o, "startColumn", r.StartColumn)
	e.intPtrMember(&o, "startLine", r.StartLine)
	return e.closeObject(&o), true
}
