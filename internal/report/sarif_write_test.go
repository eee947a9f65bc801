package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
)

// requireLeanJSON checks that writeLean writes the log byte for byte as the
// long way, leanJSON, does.
func requireLeanJSON(t *testing.T, log *sarif.Report) {
	t.Helper()
	want, err := leanJSON(log)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := writeLean(&got, log); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		g, w := got.String(), string(want)
		i := 0
		for i < len(g) && i < len(w) && g[i] == w[i] {
			i++
		}
		from := max(0, i-300)
		t.Fatalf("writeLean differs from leanJSON at byte %d:\n--- got\n%s\n--- want\n%s", i, g[from:min(len(g), i+300)], w[from:min(len(w), i+300)])
	}
}

func TestWriteLeanMatchesLeanJSONOnLargeReport(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the large report takes seconds to build")
	}
	rep, all, root := largeReport(t)
	log, err := buildSARIF(rep, SARIFOptions{Rules: all, Root: root, Version: "v1.2.3", Category: "k8s/production"})
	if err != nil {
		t.Fatal(err)
	}
	requireLeanJSON(t, log)
}

// awkward is text that every JSON string rule applies to: quotes,
// backslashes, control characters, HTML, line separators, a genuine U+FFFD,
// invalid UTF-8 and a multi-byte rune.
const awkward = "a \"q\" \\ \b\f\n\r\t\x00\x1f <b>&amp;</b> \u2028\u2029 \uFFFD \xff\xfe é 世界"

// TestWriteLeanMatchesLeanJSON covers every member the fast writers know,
// set and unset, and results they hand to the long way.
func TestWriteLeanMatchesLeanJSON(t *testing.T) {
	s := func(v string) *string { return &v }
	n := func(v int) *int { return &v }
	bag := func(tags []string, kv ...string) *sarif.PropertyBag {
		p := sarif.NewPropertyBag()
		p.Tags = tags
		for i := 0; i+1 < len(kv); i += 2 {
			p.Add(kv[i], kv[i+1])
		}
		return p
	}
	full := func() *sarif.Result {
		r := sarif.NewResult()
		r.AnalysisTarget = &sarif.ArtifactLocation{Index: 2, URI: s("target" + awkward), Description: &sarif.Message{Text: s(awkward)}}
		r.BaselineState = s("new")
		r.CorrelationGuID = s("c0rre1")
		r.Fingerprints = map[string]string{"b": awkward, "a": "1", awkward: "c"}
		r.GuID = s("guid")
		r.HostedViewerURI = s("https://example.com/?a=1&b=<2>")
		r.Level = "error"
		r.Message = &sarif.Message{Arguments: []string{"x", awkward}, ID: s("m1"), Markdown: s("**" + awkward + "**"), Text: s(awkward), Properties: bag(nil, "k", "v")}
		r.OccurrenceCount = n(3)
		r.PartialFingerprints = map[string]string{fingerprintKey: "0123", "other/v2": awkward}
		r.Properties = bag([]string{"security", awkward}, "environment", "production", "field", awkward, "z", "", "a", "1")
		r.RuleID = s("SEC001")
		r.RuleIndex = 0
		r.WorkItemUris = []string{"https://example.com/1", awkward}
		loc := sarif.NewLocation()
		loc.ID = 0
		loc.Annotations = []*sarif.Region{sarif.NewRegion(), nil, {ByteLength: n(4), CharLength: n(0), SourceLanguage: s("yaml")}}
		loc.Message = &sarif.Message{Arguments: nil}
		loc.Properties = bag(nil)
		ll := sarif.NewLogicalLocation()
		ll.DecoratedName, ll.FullyQualifiedName, ll.Kind, ll.Name = s("d"), s("Deployment/ns/"+awkward), s("resource"), s(awkward)
		ll.Index, ll.ParentIndex = 0, 7
		ll.Properties = bag([]string{"t"})
		loc.LogicalLocations = []*sarif.LogicalLocation{ll, sarif.NewLogicalLocation(), nil, {}}
		loc.PhysicalLocation = &sarif.PhysicalLocation{
			ArtifactLocation: sarif.NewArtifactLocation(),
			ContextRegion:    sarif.NewRegion(),
			Properties:       bag(nil, "p", "q"),
			Region:           &sarif.Region{StartLine: n(1), StartColumn: n(-1), EndLine: n(0), EndColumn: n(1 << 40), Message: sarif.NewMessage(), Properties: bag(nil, "r", awkward)},
		}
		r.Locations = []*sarif.Location{loc, sarif.NewLocation(), nil, {}}
		r.RelatedLocations = []*sarif.Location{{PhysicalLocation: sarif.NewPhysicalLocation()}}
		return r
	}
	withSuppression := sarif.NewResult()
	withSuppression.Suppressions = []*sarif.Suppression{{Kind: s("external")}}
	withProvenance := sarif.NewResult()
	withProvenance.Provenance = sarif.NewResultProvenance()
	ranked := sarif.NewResult()
	ranked.Rank = 12.5
	numberProperty := sarif.NewResult()
	numberProperty.Properties = sarif.NewPropertyBag().Add("count", 3).Add("id", -1)
	tagsClash := sarif.NewResult()
	tagsClash.Properties = bag([]string{"a"}, "tags", "b")
	tagsProperty := sarif.NewResult()
	tagsProperty.Properties = bag(nil, "tags", "b")
	snippet := sarif.NewResult()
	snippet.Locations = []*sarif.Location{{PhysicalLocation: &sarif.PhysicalLocation{Region: &sarif.Region{Snippet: sarif.NewArtifactContent()}}}}
	address := sarif.NewResult()
	address.Locations = []*sarif.Location{{PhysicalLocation: &sarif.PhysicalLocation{Address: sarif.NewAddress()}}}
	relationship := sarif.NewResult()
	relationship.Locations = []*sarif.Location{{Relationships: []*sarif.LocationRelationship{sarif.NewLocationRelationship()}}}
	emptyBags := sarif.NewResult()
	emptyBags.Properties = sarif.NewPropertyBag()
	emptyBags.Message = sarif.NewMessage()
	emptyBags.Fingerprints = map[string]string{}

	tests := map[string][]*sarif.Result{
		"full":             {full(), full()},
		"new":              {sarif.NewResult()},
		"zero":             {{}},
		"zero unranked":    {{Rank: -1}},
		"nil":              {nil, sarif.NewResult(), nil},
		"suppression":      {withSuppression},
		"provenance":       {withProvenance},
		"rank":             {ranked},
		"number property":  {numberProperty},
		"tags clash":       {tagsClash},
		"tags property":    {tagsProperty},
		"snippet":          {snippet},
		"address":          {address},
		"relationship":     {relationship},
		"empty bags":       {emptyBags},
		"mixed":            {full(), ranked, sarif.NewResult(), numberProperty, full()},
		"no results":       nil,
		"empty results":    {},
		"awkward rule ids": {{Rank: -1, RuleID: s(awkward), Kind: awkward, Level: awkward}},
	}
	for name, results := range tests {
		t.Run(name, func(t *testing.T) {
			run := sarif.NewRun()
			run.Tool = sarif.NewTool()
			run.Tool.Driver = sarif.NewToolComponent()
			run.Tool.Driver.Name = s("slotcheck " + awkward)
			if results != nil {
				run.Results = results
			}
			log := sarif.NewReport()
			log.AddRun(run)
			requireLeanJSON(t, log)
			if len(run.Results) != len(results) {
				t.Errorf("writeLean left %d of the run's %d results", len(run.Results), len(results))
			}
		})
	}
	t.Run("several runs", func(t *testing.T) {
		log := sarif.NewReport()
		for i := range 3 {
			run := sarif.NewRun()
			run.Tool = sarif.NewTool()
			run.Tool.Driver = sarif.NewToolComponent()
			run.Tool.Driver.Name = s(fmt.Sprint("tool ", i))
			if i != 1 {
				run.Results = []*sarif.Result{full(), ranked}
			}
			log.AddRun(run)
		}
		requireLeanJSON(t, log)
	})
}

// TestAppendJSONString checks the string writer against encoding/json, once
// marshalled (the JSON report) and marshalled, decoded and marshalled again
// (the SARIF log).
func TestAppendJSONString(t *testing.T) {
	inputs := []string{"", "plain", awkward, strings.Repeat(awkward, 3), "\xed\xa0\x80", "\xf4\x90\x80\x80", "end\xe2\x80"}
	for b := range 256 {
		inputs = append(inputs, string([]byte{byte(b)}), "x"+string([]byte{byte(b)})+"y")
	}
	for _, in := range inputs {
		var once bytes.Buffer
		enc := json.NewEncoder(&once)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(in); err != nil {
			t.Fatal(err)
		}
		if got, want := string(appendJSONString(nil, in, false, false)), strings.TrimSuffix(once.String(), "\n"); got != want {
			t.Errorf("%q without HTML escaping: got %s, want %s", in, got, want)
		}
		first, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		var decoded string
		if err := json.Unmarshal(first, &decoded); err != nil {
			t.Fatal(err)
		}
		again, err := json.Marshal(decoded)
		if err != nil {
			t.Fatal(err)
		}
		if got := string(appendJSONString(nil, in, true, true)); got != string(again) {
			t.Errorf("%q round trip: got %s, want %s", in, got, again)
		}
	}
}
