package main

import (
	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/slotwise/slotcheck/internal/admission"
	"github.com/slotwise/slotcheck/internal/cli"
	"github.com/slotwise/slotcheck/internal/rules"
)

// configuration loads --config, when given, from content (readConfig), and
// has mgr reload it as it changes. A file that does not load stops the webhook before it serves
// (exit 2, each problem at its line): it never serves without the
// configuration it was given.
func configuration(opts *serveOptions, content []byte, exemptions admission.ExemptionMode, engine *rules.Engine, policies []string, reg prometheus.Registerer, mgr manager.Manager, log logr.Logger) (*admission.ConfigSource, error) {
	if opts.config == "" {
		return nil, nil
	}
	src, err := admission.NewConfigSource(admission.ConfigSourceOptions{
		Path:          opts.config,
		Content:       content,
		Known:         func(id string) bool { _, ok := engine.Rule(id); return ok },
		WorkloadKinds: engine.WorkloadKinds(),
		Exemptions:    exemptions,
		Policies:      policies,
	}, reg, log)
	if err != nil {
		return nil, cli.UsageError{Err: err}
	}
	if err := mgr.Add(src); err != nil {
		return nil, err
	}
	return src, nil
}
