package openreport

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
)

// benchFindings are a large namespace's findings: more than a Report
// keeps, so that the cap is exercised too.
func benchFindings() []scan.Finding {
	out := make([]scan.Finding, 5000)
	for i := range out {
		sev := rules.SeverityWarning
		if i%3 == 0 {
			sev = rules.SeverityError
		}
		out[i] = finding(sec001, sev, fmt.Sprintf("web-%d", i))
	}
	return out
}

// BenchmarkBuild builds the Report of 5,000 findings (1,000 kept).
func BenchmarkBuild(b *testing.B) {
	findings := benchFindings()
	b.ReportAllocs()
	for b.Loop() {
		if r := Build("shop", findings, now, DefaultLimits); len(r.Results) != DefaultLimits.MaxResults {
			b.Fatalf("%d results", len(r.Results))
		}
	}
}

// BenchmarkFloorEncodeReport is Build's floor: encoding a Report of the
// kept results once, as the client does when it writes it.
func BenchmarkFloorEncodeReport(b *testing.B) {
	r := Build("shop", benchFindings(), now, DefaultLimits)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(r); err != nil {
			b.Fatal(err)
		}
	}
}
