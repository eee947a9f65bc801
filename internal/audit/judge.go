package audit

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/internal/source"
)

// verdict is what judging one object gave.
type verdict struct {
	findings []scan.Finding
	// matched are the configuration's exemptions that covered a finding.
	matched []int
	err     *source.Error
}

// judge judges a namespace's objects in parallel and adds them and their
// findings to the report, with what listing them found. Findings of rules
// that read a kind left unread are dropped: a NetworkPolicy that could not
// be listed is no proof that none selects a workload, and the kind's error
// already fails the audit.
func (a *auditor) judge(ctx context.Context, b *batch) error {
	a.rep.Errors = append(a.rep.Errors, b.errors...)
	a.rep.Summary.Skipped += b.skipped
	objs, c, unread := b.objs, b.scan, b.unread
	verdicts := make([]verdict, len(objs))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(cmp.Or(a.opts.Parallelism, runtime.GOMAXPROCS(0)))
	for i, o := range objs {
		g.Go(func() error {
			fs, err := scan.Judge(gctx, a.engine, o, c)
			var ee *rules.EvalError
			switch {
			case errors.As(err, &ee):
				verdicts[i].err = &source.Error{File: o.File, Message: fmt.Sprintf("%s: %v", source.ObjectName(o.Kind, o.Namespace, o.Name), ee)}
			case err != nil:
				return fmt.Errorf("%s: %w", o.File, err)
			}
			verdicts[i].findings, verdicts[i].matched = a.configure(o, fs)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for i, o := range objs {
		a.rep.Targets = append(a.rep.Targets, scan.Target{Domain: o.Domain, File: o.File, Kind: o.Kind, Namespace: o.Namespace, Name: o.Name, Environment: c.Environment, Admission: true, Disabled: a.opts.Configuration.Disabled()})
		for _, f := range verdicts[i].findings {
			if readsUnread(f.Rule, unread) {
				continue
			}
			// The line and column are of the JSON the loader read, which
			// nobody sees: the field path says where. (The report drops
			// the path's segments, which no report writes.)
			f.Line, f.Column, f.EndColumn = 0, 0, 0
			a.rep.Add(f)
		}
		for _, m := range verdicts[i].matched {
			a.matched[m] = true
		}
		if e := verdicts[i].err; e != nil {
			a.rep.Errors = append(a.rep.Errors, *e)
		}
	}
	return ctx.Err()
}

// readsUnread reports whether a rule reads a kind some of whose objects
// could not be read.
func readsUnread(r *rules.Rule, unread map[string]bool) bool {
	return slices.ContainsFunc(r.Reads, func(rd rules.Read) bool { return unread[rd.Kind] })
}
