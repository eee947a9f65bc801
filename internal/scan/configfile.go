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
		fs, t, err := cs.JudgeFile(ctx, engine, matched, env, today, cfgs.opts.WorkDir)
		if err != nil {
			return nil, nil, err
		}
		findings = append(findings, fs...)
		judged = append(judged, t)
	}
	return findings, judged, nil
}

// JudgeFile judges the configuration file's own exemptions with the rules
// of the config domain (EXM005 expired, EXM006 expiring, EXM007 stale),
// given which of them matched a finding (by their indexes): the one
// judgement lint and the cluster audit share, so that both report them
// with the same ids and messages, at the exemptions' lines in the file. It
// returns the findings, with the file's own settings applied, and the file
// as a target. workDir is what a relative File path is relative to, for
// matching exemptions' paths.
func (c *Configuration) JudgeFile(ctx context.Context, engine *rules.Engine, matched []bool, env string, today config.Date, workDir string) ([]Finding, Target, error) {
	o := &source.Object{File: c.file.Path, Domain: "config", Kind: config.Kind, Node: c.file.Node, Line: 1, Value: c.file.ExemptionsValue(matched)}
	fs, err := Judge(ctx, engine, o, Context{Environment: env, Today: today.String()})
	if err != nil {
		return nil, Target{}, fmt.Errorf("%s: %w", c.file.Path, err)
	}
	fs, _ = c.apply(fs, config.Subject{Kind: o.Kind, Paths: c.paths(workDir, o)}, today)
	return fs, Target{Domain: "config", File: o.File, Line: o.Line, Kind: o.Kind, Environment: env, Disabled: c.Disabled()}, nil
}
