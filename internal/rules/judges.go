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
	byKind := map[string]Judged{}
	for _, r := range e.rules {
		if admission && !r.Admission {
			continue
		}
		for _, j := range r.Judges {
			byKind[j.Kind] = j
		}
	}
	out := make([]Judged, 0, len(byKind))
	for _, kind := range slices.Sorted(maps.Keys(byKind)) {
		out = append(out, byKind[kind])
	}
	return out
}
