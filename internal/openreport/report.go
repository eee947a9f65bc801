// Package openreport turns a namespace's audit findings into an OpenReports
// Report (openreports.io/v1alpha1), the format Policy Reporter and other
// dashboards read, and keeps one such Report per namespace in the cluster:
// created, updated in place when it changed, deleted when the namespace is
// clean. It touches only Reports that carry its label.
package openreport

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	openreportsv1alpha1 "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
)

const (
	// Name is the name of slotcheck's Report in each namespace.
	Name = "slotcheck"
	// Source names slotcheck as the engine behind a Report, which is how
	// Policy Reporter groups results.
	Source = "slotcheck"
	// ManagedByLabel, set to ManagedBy, marks the Reports slotcheck owns:
	// it never updates nor deletes one without it.
	ManagedByLabel = "app.kubernetes.io/managed-by"
	// ManagedBy is ManagedByLabel's value on slotcheck's Reports.
	ManagedBy = "slotcheck"
	// CappedAnnotation holds, on a Report whose results were capped, how
	// many findings the namespace has; the Report's summary counts them
	// all, its results hold the most severe first.
	CappedAnnotation = "slotcheck.slotwise.com/results-capped"
)

// Property keys of a result, beside its policy, severity and message.
const (
	PropertyFieldPath   = "fieldPath"
	PropertyContainer   = "container"
	PropertyEnvironment = "environment"
	PropertyExemption   = "exemption"
)

// Limits keep a Report well under etcd's 1.5 MiB object size limit.
type Limits struct {
	// MaxResults is how many results a Report holds at most.
	MaxResults int
	// MaxBytes is how many bytes of JSON its results take at most.
	MaxBytes int
}

// DefaultLimits hold a thousand results in at most 512 KiB: a third of
// etcd's limit, leaving room for the object's metadata and for the API
// server's own encoding overhead.
var DefaultLimits = Limits{MaxResults: 1000, MaxBytes: 512 << 10}

// Build is the Report of a namespace's findings, or nil when it has none:
// a clean namespace has no Report. Every finding counts in the summary;
// the results hold the most severe findings first, as many as limits allow.
func Build(namespace string, findings []scan.Finding, now time.Time, limits Limits) *openreportsv1alpha1.Report {
	if len(findings) == 0 {
		return nil
	}
	// Pointers are sorted, not the findings: a finding is a large struct.
	ordered := make([]*scan.Finding, len(findings))
	for i := range findings {
		ordered[i] = &findings[i]
	}
	slices.SortStableFunc(ordered, func(a, b *scan.Finding) int {
		return cmp.Or(cmp.Compare(b.Severity.Rank(), a.Severity.Rank()), cmp.Compare(rank(*a), rank(*b)))
	})
	r := &openreportsv1alpha1.Report{
		TypeMeta: metav1.TypeMeta{APIVersion: openreportsv1alpha1.GroupVersion.String(), Kind: "Report"},
		ObjectMeta: metav1.ObjectMeta{
			Name:      Name,
			Namespace: namespace,
			Labels:    map[string]string{ManagedByLabel: ManagedBy},
		},
		Source:        Source,
		Scope:         &corev1.ObjectReference{APIVersion: "v1", Kind: "Namespace", Name: namespace},
		Configuration: &openreportsv1alpha1.ReportConfiguration{Limits: openreportsv1alpha1.Limits{MaxResults: limits.MaxResults}},
	}
	size, full := 0, false
	for _, f := range ordered {
		count(&r.Summary, outcome(*f))
		if full || len(r.Results) >= limits.MaxResults {
			continue
		}
		res := result(*f, now)
		b, err := json.Marshal(res)
		if err != nil || size+len(b) > limits.MaxBytes {
			// Past the byte budget no later result is kept either, so
			// that the kept ones stay the most severe.
			full = true
			continue
		}
		size += len(b)
		r.Results = append(r.Results, res)
	}
	if len(r.Results) < len(findings) {
		r.Annotations = map[string]string{CappedAnnotation: fmt.Sprintf("%d of %d results kept", len(r.Results), len(findings))}
	}
	return r
}

// rank orders findings of one severity: active ones before exempted ones.
func rank(f scan.Finding) int {
	if f.Suppressed {
		return 1
	}
	return 0
}

// result is one finding as a Report's result: its rule as the policy, its
// object as the subject and its field path as a property.
func result(f scan.Finding, now time.Time) openreportsv1alpha1.ReportResult {
	res := openreportsv1alpha1.ReportResult{
		Source:      Source,
		Policy:      f.Rule.ID,
		Category:    f.Rule.Section,
		Severity:    severity(f.Severity),
		Timestamp:   metav1.Timestamp{Seconds: now.Unix()},
		Result:      outcome(f),
		Scored:      outcome(f) == "fail",
		Subjects:    []corev1.ObjectReference{{APIVersion: f.APIVersion, Kind: f.Kind, Namespace: f.Namespace, Name: f.Name}},
		Description: f.Message,
		Properties:  make(map[string]string, 3),
	}
	for _, p := range [...]struct{ key, value string }{
		{PropertyFieldPath, f.FieldPath}, {PropertyContainer, f.Container},
		{PropertyEnvironment, f.Environment}, {PropertyExemption, f.Reason},
	} {
		if p.value != "" {
			res.Properties[p.key] = p.value
		}
	}
	return res
}

// outcome is a finding's result: an error is a failure, a warning or a
// note a warning, and an exempted finding a skip.
func outcome(f scan.Finding) openreportsv1alpha1.Result {
	switch {
	case f.Suppressed:
		return "skip"
	case f.Severity == rules.SeverityError:
		return "fail"
	default:
		return "warn"
	}
}

// severity maps slotcheck's severities onto OpenReports': an error, which
// the webhook denies, is high; critical is left to tools that score risk.
func severity(s rules.Severity) openreportsv1alpha1.ResultSeverity {
	switch s {
	case rules.SeverityError:
		return "high"
	case rules.SeverityWarning:
		return "medium"
	default:
		return "info"
	}
}

// count adds a result to the summary.
func count(s *openreportsv1alpha1.ReportSummary, r openreportsv1alpha1.Result) {
	switch r {
	case "fail":
		s.Fail++
	case "skip":
		s.Skip++
	default:
		s.Warn++
	}
}

// Total is how many findings a Report counts, kept or capped.
func Total(r *openreportsv1alpha1.Report) int {
	return r.Summary.Pass + r.Summary.Fail + r.Summary.Warn + r.Summary.Error + r.Summary.Skip
}
