package audit

import (
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
// suppresses nothing, as in the webhook's config mode.
func (a *auditor) configure(o *source.Object, fs []scan.Finding) []scan.Finding {
	conf := a.opts.Configuration
	if conf == nil && !a.opts.IgnoreAnnotations {
		return fs
	}
	subject := config.Subject{Kind: o.Kind, Namespace: o.Namespace, Name: o.Name}
	out := fs[:0]
	for _, f := range fs {
		if a.opts.IgnoreAnnotations && f.Suppressed {
			f.Suppressed, f.Reason = false, ""
		}
		if conf != nil {
			if keep, _ := conf.Apply(&f, subject, a.date); !keep {
				continue
			}
		}
		out = append(out, f)
	}
	return out
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
