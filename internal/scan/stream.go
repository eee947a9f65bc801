package scan

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/slotwise/slotcheck/internal/config"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/source"
)

// judgeEnv is what judging any target of a scan needs beside the engine.
type judgeEnv struct {
	inventory *rules.Inventory
	objects   Objects
	today     config.Date
	opts      Options
	// keep holds the findings until the report is assembled.
	keep *retainer
	// buffers holds the memory of the findings of the objects judged,
	// *[]Finding, for the next: kept in compact form (keep), an object's
	// findings are garbage, some 2 KB of it for each object of a scan.
	buffers *sync.Pool
}

// buffer is a findings buffer from env's pool, or a new one.
func (env judgeEnv) buffer() *[]Finding {
	if b, ok := env.buffers.Get().(*[]Finding); ok {
		return b
	}
	return new([]Finding)
}

// release hands buf back to env's pool holding nothing, so that what it
// held can be collected: used is the most of it the last object filled.
func (env judgeEnv) release(buf *[]Finding, used []Finding) {
	clear(used)
	*buf = used[:0]
	env.buffers.Put(buf)
}

// loadAndJudge is a scan's second read: it loads every path and judges
// each object as its file loads, on the loader's workers, then releases the
// object's tree and value, keeping only what names it and its verdict. It
// adds what it could not read and what it counted to rep and returns the
// targets in load order with their verdicts. The first internal error
// stops the scan.
func loadAndJudge(ctx context.Context, rep *Report, engine *rules.Engine, paths []scanPath, env judgeEnv, rd reading) ([]target, []verdict, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	day := env.today.String()
	env.buffers = &sync.Pool{}
	var mu sync.Mutex
	judged := map[*source.Object]verdict{}
	var targets []target
	for _, sp := range paths {
		lo := sp.loadOptions(env.opts, rd)
		lo.Each = func(objs []*source.Object) {
			for _, o := range objs {
				if ctx.Err() != nil {
					return
				}
				v, err := judgeTarget(ctx, engine, target{o, sp.profiles, sp.config}, env, day)
				if err != nil {
					cancel(err)
					return
				}
				o.Release()
				mu.Lock()
				judged[o] = v
				mu.Unlock()
			}
		}
		res := source.Load([]string{sp.path}, lo)
		if err := context.Cause(ctx); err != nil {
			return nil, nil, err
		}
		rep.Errors = append(rep.Errors, res.Errors...)
		rep.Summary.Files += res.Files
		rep.Summary.Skipped += res.Skipped
		rep.Summary.Charts = append(rep.Summary.Charts, res.Charts...)
		rep.Summary.Kustomizations = append(rep.Summary.Kustomizations, res.Kustomizations...)
		rep.Summary.Patches += res.Patches
		for _, o := range res.Objects {
			targets = append(targets, target{o, sp.profiles, sp.config})
		}
	}
	rep.Summary.Objects = len(targets)
	verdicts := make([]verdict, len(targets))
	for i, t := range targets {
		verdicts[i] = judged[t.obj]
	}
	return targets, verdicts, nil
}

// judgeTarget resolves a target's environment and profile and judges it;
// day is today as rules read it (input.today).
func judgeTarget(ctx context.Context, engine *rules.Engine, t target, env judgeEnv, day string) (verdict, error) {
	opts, today := env.opts, env.today
	o := t.obj
	v := verdict{env: rules.ResolveEnvironment(opts.Environment, o.Namespace, envPath(o))}
	profile, err := t.profiles.value(v.env)
	if err != nil {
		return verdict{}, err
	}
	buf := env.buffer()
	fs, err := judgeInto(ctx, engine, o, Context{Environment: v.env, Profile: profile, Inventory: env.inventory.Value(o.Namespace),
		Objects: env.objects, Config: t.config.RuleData(), Today: day}, *buf)
	defer env.release(buf, fs)
	var ee *rules.EvalError
	switch {
	case errors.As(err, &ee):
		pos := o.Place(nil, "")
		v.err = &source.Error{File: pos.File, Line: pos.Line, Column: pos.Column,
			Message: fmt.Sprintf("%s: %v", source.ObjectName(o.Kind, o.Namespace, o.Name), ee)}
	case err != nil:
		return verdict{}, fmt.Errorf("%s %s: %w", o.File, source.ObjectName(o.Kind, o.Namespace, o.Name), err)
	}
	if t.config != nil {
		fs, v.matched = t.config.apply(fs, config.Subject{Kind: o.Kind, Namespace: o.Namespace, Name: o.Name, Paths: t.config.paths(opts.WorkDir, o)}, today)
	}
	// Sorted here, in parallel: objects come in file order and do not
	// share lines, so the final sort mostly only checks.
	v.kept = sortKept(fs, env.keep.keep(fs))
	return v, nil
}

// sortKept puts kept, the compact form of fs finding for finding, in the
// order a stable sort of fs gives. It sorts the findings' numbers, not the
// findings: a Finding is some 240 bytes, which a sort would move again and
// again, each move a copy of its pointers that the collector watches.
func sortKept(fs []Finding, kept []keptFinding) []keptFinding {
	if len(fs) < 2 {
		return kept
	}
	order := make([]int32, len(fs))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int { return compareFindings(fs[a], fs[b]) })
	// kept[i] becomes kept[order[i]], in place, one cycle of the
	// permutation at a time; a place filled is marked -1.
	for i := range order {
		if order[i] < 0 {
			continue
		}
		first, j := kept[i], int32(i)
		for {
			k := order[j]
			order[j] = -1
			if k == int32(i) {
				kept[j] = first
				break
			}
			kept[j], j = kept[k], k
		}
	}
	return kept
}
