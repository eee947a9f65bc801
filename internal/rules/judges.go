package rules

import (
	"maps"
	"slices"
)

// Judges lists the kinds besides the workloads that the rules judge, each
// once, sorted by kind; with admission, only those of the rules the
// admission webhook evaluates. It is what a cluster audit lists beside the
// workloads: a rule that judges a new kind needs no Go.
func (e *Engine) Judges(admission bool) []Judged {
	return kindsOf(e.rules, admission, func(r *Rule) []Judged { return r.Judges }, func(j Judged) string { return j.Kind })
}

// kindsOf gathers what the rules name of each kind (their reads: or
// judges:), each kind once, sorted by kind; with admission, only of the
// rules the admission webhook evaluates.
func kindsOf[T any](rules []*Rule, admission bool, of func(*Rule) []T, kind func(T) string) []T {
	byKind := map[string]T{}
	for _, r := range rules {
		if admission && !r.Admission {
			continue
		}
		for _, t := range of(r) {
			byKind[kind(t)] = t
		}
	}
	out := make([]T, 0, len(byKind))
	for _, k := range slices.Sorted(maps.Keys(byKind)) {
		out = append(out, byKind[k])
	}
	return out
}
