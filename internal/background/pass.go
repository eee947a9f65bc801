package background

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"

	"github.com/slotwise/slotcheck/internal/audit"
	"github.com/slotwise/slotcheck/internal/openreport"
	"github.com/slotwise/slotcheck/internal/scan"
)

// Result is what one audit did.
type Result struct {
	// Namespaces audited, Objects judged, Findings not exempted and
	// Errors counted (as slotcheck_audit_errors).
	Namespaces int
	Objects    int
	Findings   int
	Errors     int
	// Actions counts the namespaces' Reports by what publishing did.
	Actions map[openreport.Action]int
	// Swept counts the Reports deleted in namespaces no longer audited.
	Swept int
}

// Pass audits the cluster once: it judges each namespace, publishes its
// Report before going to the next, so that only one namespace's findings
// are held at a time, then deletes the Reports of namespaces no longer
// audited and sets the gauges. An error of one namespace's Report is
// counted and the others are still published; only an audit that could
// not start (no namespaces to read) or was cancelled is an error, and the
// gauges then keep the last completed audit's values.
func (a *Auditor) Pass(ctx context.Context) (Result, error) {
	started := time.Now()
	res := Result{Actions: map[openreport.Action]int{}}
	var conf *scan.Configuration
	if a.Configuration != nil {
		conf = a.Configuration()
	}
	s, err := audit.Start(ctx, a.Engine, a.Cluster, audit.Options{
		ChunkSize:         a.ChunkSize,
		Profiles:          a.Profiles,
		Parallelism:       cmp.Or(a.Parallelism, DefaultParallelism),
		Now:               started,
		Configuration:     conf,
		IgnoreAnnotations: a.IgnoreAnnotations,
	})
	if err != nil {
		return res, fmt.Errorf("start audit: %w", err)
	}
	t := newTally()
	names := slices.DeleteFunc(s.Namespaces(), func(ns string) bool { return slices.Contains(a.Excluded, ns) })
	audited := make(map[string]bool, len(names))
	for _, ns := range names {
		audited[ns] = true
	}
	err = s.Judge(ctx, names, func(ns string, rep *scan.Report) error { return a.namespace(ctx, ns, rep, t, &res) })
	if err != nil {
		return res, fmt.Errorf("audit: %w", err)
	}
	swept, err := a.sweep(ctx, audited, t)
	res.Swept = swept
	if err != nil {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		a.Log.Error(err, "delete the reports of namespaces no longer audited")
		t.errors++
	}
	for _, e := range s.Errors() {
		a.Log.Info("not audited", "kind", e.File, "error", e.Message)
		t.errors++
	}
	res.Namespaces, res.Objects, res.Errors = len(audited), t.objects, t.errors
	finished := time.Now()
	if err := a.Metrics.record(t, finished, finished.Sub(started)); err != nil {
		return res, err
	}
	a.Log.Info("background audit done", "namespaces", res.Namespaces, "objects", res.Objects, "findings", res.Findings,
		"errors", res.Errors, "reports", res.Actions, "swept", res.Swept, "duration", finished.Sub(started).String())
	return res, nil
}

// sweep deletes the Reports of namespaces no longer audited, unless the
// cluster serves no Reports.
func (a *Auditor) sweep(ctx context.Context, audited map[string]bool, t *tally) (int, error) {
	if t.noReports {
		return 0, nil
	}
	return a.Publisher.Sweep(ctx, audited)
}

// namespace adds one namespace's report to the tally and publishes it as
// the namespace's Report.
func (a *Auditor) namespace(ctx context.Context, ns string, rep *scan.Report, t *tally, res *Result) error {
	t.objects += len(rep.Targets)
	for _, e := range rep.Errors {
		a.Log.Info("not judged", "object", e.File, "error", e.Message)
		t.errors++
	}
	// Expanded once: the tally reads them, and so does the Report.
	findings := slices.Collect(rep.All())
	for _, f := range findings {
		if f.Suppressed {
			continue
		}
		t.findings[findingSeries{namespace: ns, rule: f.Rule.ID, severity: string(f.Severity)}]++
		res.Findings++
	}
	if t.noReports {
		return nil
	}
	action, err := a.Publisher.Publish(ctx, ns, openreport.Build(ns, findings, time.Now(), cmp.Or(a.Limits, openreport.DefaultLimits)))
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return ctx.Err()
	case meta.IsNoMatchError(err):
		// Said once a pass, not once a namespace: the gauges still tell.
		a.Log.Error(err, "the cluster serves no openreports.io Reports (install the OpenReports CRDs): no reports written")
		t.noReports = true
		t.errors++
		return nil
	default:
		a.Log.Error(err, "publish report", "namespace", ns)
		t.errors++
		return nil
	}
	res.Actions[action]++
	return nil
}
