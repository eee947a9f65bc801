package audit

import (
	"context"
	"fmt"
	"os"
	"slices"

	"github.com/slotwise/slotcheck/internal/config"
	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/internal/source"
)

// configure applies the configuration file and the exemption mode to one
// object's findings, in place, on the path lint and the webhook share
// (scan.Configuration.Apply): rules the file turns off are dropped,
// severities follow the namespace's environment, and the file's exemptions
// suppress what they cover. An exemption's paths never match: a cluster's
// object has no file. With IgnoreAnnotations, an annotation exemption
// suppresses nothing, as in the webhook's config mode. It returns the
// indexes of the exemptions in date that covered a finding, for telling
// stale exemptions as lint does.
func (a *auditor) configure(o *source.Object, fs []scan.Finding) ([]scan.Finding, []int) {
	conf := a.opts.Configuration
	if conf == nil && !a.opts.IgnoreAnnotations {
		return fs, nil
	}
	subject := config.Subject{Kind: o.Kind, Namespace: o.Namespace, Name: o.Name}
	var matched []int
	out := fs[:0]
	for _, f := range fs {
		if a.opts.IgnoreAnnotations && f.Suppressed {
			f.Suppressed, f.Reason = false, ""
		}
		if conf != nil {
			keep, ex := conf.Apply(&f, subject, a.date)
			if !keep {
				continue
			}
			matched = append(matched, ex.Matched...)
		}
		out = append(out, f)
	}
	return out, matched
}

// judgeConfiguration judges the configuration file's own exemptions once
// every namespace is judged, as lint judges them once every file is, on
// lint's code (scan.Configuration.JudgeFile): expired (EXM005), expiring
// (EXM006) and matching nothing the audit judged (EXM007), at their lines
// in the file. An exemption out of the audit's reach is not called stale:
// one naming paths, which match nothing in a cluster, and, in an audit of
// one namespace, one naming only other namespaces. Nor is any when a kind
// could not be read: what an exemption covers may be among the objects not
// read, and the audit fails on that kind's error anyway.
func (a *auditor) judgeConfiguration(ctx context.Context) error {
	conf := a.opts.Configuration
	if conf == nil || conf.File() == nil || len(conf.File().Exemptions) == 0 {
		return nil
	}
	partial := len(a.failures.byKind) > 0
	matched := slices.Clone(a.matched)
	for i := range conf.File().Exemptions {
		matched[i] = matched[i] || partial || a.outOfReach(&conf.File().Exemptions[i])
	}
	wd, err := os.Getwd()
	if err != nil {
		return fmt.Errorf("working directory: %w", err)
	}
	fs, t, err := conf.JudgeFile(ctx, a.engine, matched, configEnvironment, a.date, wd)
	if err != nil {
		return err
	}
	a.rep.Add(fs...)
	a.rep.Targets = append(a.rep.Targets, t)
	return nil
}

// configEnvironment is the environment the configuration file's own
// findings are judged in: lint's default, as the file belongs to no
// namespace.
const configEnvironment = "production"

// outOfReach reports whether an exemption can match nothing an audit
// judges, whatever the cluster holds.
func (a *auditor) outOfReach(e *config.Exemption) bool {
	if len(e.Paths) > 0 {
		return true
	}
	ns := a.opts.Namespace
	return ns != "" && len(e.Namespaces) > 0 && !slices.ContainsFunc(e.Namespaces, func(g config.Glob) bool { return g.Match(ns) })
}

// configuredWorkloads are the extra workload kinds the configuration names,
// which the audit lists beside the built-in ones and judges at their pod
// templates through input.config, as lint and the webhook do.
func configuredWorkloads(conf *scan.Configuration) []config.Workload {
	if conf == nil || conf.File() == nil {
		return nil
	}
	return conf.File().Workloads
}
