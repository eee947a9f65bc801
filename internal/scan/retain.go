package scan

import (
	"math"
	"sync"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/source"
)

// retainer keeps the findings of a scan's judged objects until the report
// is assembled: at 100,000 objects close to a million of them, most of what
// a scan holds. A Finding is some 240 bytes, most of it strings that many
// findings share: the object's apiVersion, kind, namespace, name,
// environment and kustomization, which its object holds once; the file; the message (at
// 10,000 generated objects 12,945 distinct ones among 92,927 findings: many
// rules' messages name no object); one of a hundred field paths. A
// keptFinding holds each string as the number of its one
// kept copy and the object's strings not at all, in 48 bytes. Path
// segments, which no report writes, are dropped (the webhook, which reads
// them, judges one object and keeps nothing).
type retainer struct {
	mu      sync.Mutex
	ids     map[string]uint32
	strings []string
}

// keptFinding is a Finding as a scan keeps it until collect expands it
// with its target's names (see retainer).
type keptFinding struct {
	rule                    *rules.Rule
	line, column, endColumn int32
	severity                uint32
	message                 uint32
	fieldPath               uint32
	container               uint32
	reason                  uint32
	file                    uint32
	suppressed              bool
}

// newRetainer returns a retainer for one scan: what it keeps goes with
// the scan.
func newRetainer() *retainer {
	return &retainer{ids: map[string]uint32{"": 0}, strings: []string{""}}
}

// keep returns the compact form of an object's findings. Judges call it
// from the loader's workers, so it takes its lock once per object.
func (r *retainer) keep(fs []Finding) []keptFinding {
	if len(fs) == 0 {
		return nil
	}
	out := make([]keptFinding, len(fs))
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, f := range fs {
		out[i] = keptFinding{
			rule:       f.Rule,
			line:       clamp32(f.Line),
			column:     clamp32(f.Column),
			endColumn:  clamp32(f.EndColumn),
			severity:   r.id(string(f.Severity)),
			message:    r.id(f.Message),
			fieldPath:  r.id(f.FieldPath),
			container:  r.id(f.Container),
			reason:     r.id(f.Reason),
			file:       r.id(f.File),
			suppressed: f.Suppressed,
		}
	}
	return out
}

// id is the number of s's kept copy, kept now if s is new.
func (r *retainer) id(s string) uint32 {
	if id, ok := r.ids[s]; ok {
		return id
	}
	id := uint32(len(r.strings))
	r.ids[s] = id
	r.strings = append(r.strings, s)
	return id
}

// clamp32 holds a line or column in 32 bits; none comes near the limit
// (a file of two billion lines), and one that did would stay in its file.
func clamp32(n int) int32 {
	return int32(min(max(n, 0), math.MaxInt32))
}

// expand appends the findings kept of the object o, judged in env, to dst.
// It runs once every judge has finished, without the lock.
func (r *retainer) expand(dst []Finding, kept []keptFinding, o *source.Object, env string) []Finding {
	for _, k := range kept {
		dst = append(dst, Finding{
			Rule:        k.rule,
			Severity:    rules.Severity(r.strings[k.severity]),
			Message:     r.strings[k.message],
			File:        r.strings[k.file],
			Line:        int(k.line),
			Column:      int(k.column),
			EndColumn:   int(k.endColumn),
			APIVersion:  o.APIVersion,
			Kind:        o.Kind,
			Namespace:   o.Namespace,
			Name:        o.Name,
			Container:   r.strings[k.container],
			Environment: env,
			FieldPath:   r.strings[k.fieldPath],
			Suppressed:  k.suppressed,
			Reason:      r.strings[k.reason],
			Root:        o.Root,
		})
	}
	return dst
}
