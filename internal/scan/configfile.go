package scan

import (
	"context"
	"fmt"

	"github.com/slotwise/slotcheck/internal/config"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/source"
)

// judgeConfigs judges each configuration file's own exemptions (the rules
// of the config domain: expired, expiring, stale), once every target is
// judged, since whether an exemption matched anything is known only then.
func judgeConfigs(ctx context.Context, engine *rules.Engine, cfgs *configs, targets []target, verdicts []verdict, env string, today config.Date) ([]Finding, []Target, error) {
	var findings []Finding
	var judged []Target
	for _, cs := range cfgs.order {
		if len(cs.file.Exemptions) == 0 {
			continue
		}
		matched := make([]bool, len(cs.file.Exemptions))
		for i, t := range targets {
			if t.config != cs {
				continue
			}
			for _, m := range verdicts[i].matched {
				matched[m] = true
			}
		}
		o := &source.Object{File: cs.file.Path, Domain: "config", Kind: config.Kind, Node: cs.file.Node, Line: 1, Value: cs.file.ExemptionsValue(matched)}
		fs, err := Judge(ctx, engine, o, Context{Environment: env, Today: today.String()})
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", cs.file.Path, err)
		}
		fs, _ = cs.apply(fs, config.Subject{Kind: o.Kind, Paths: cs.paths(cfgs.opts.WorkDir, o)}, today)
		findings = append(findings, fs...)
		judged = append(judged, Target{Domain: "config", File: o.File, Line: o.Line, Kind: o.Kind, Environment: env, Disabled: cs.Disabled()})
	}
	return findings, judged, nil
}
