package scan

import (
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/slotwise/slotcheck/internal/rules"
)

// retainer keeps the text of a report's findings: at 100,000 objects close
// to a million of them, most of what a scan holds, from judging until the
// report is written. A Finding is some 240 bytes, most of it strings that
// many findings share: the object's apiVersion, kind, namespace, name,
// environment and kustomization, which a report holds once for each
// object (subject); the file; the message (at 10,000 generated objects
// 12,945 distinct ones among 92,927 findings: many rules' messages name no
// object); one of a hundred field paths. A keptFinding holds each string
// as the number of its one kept copy and the object's strings as the
// number of its subject, in 48 bytes. Path segments, which no report
// writes, are dropped (the webhook, which reads them, judges one object
// and keeps nothing).
type retainer struct {
	mu      sync.Mutex
	ids     map[string]uint32
	strings []string
	// severities are few (those the rules' METADATA declares), and so
	// are rules (those of the engine): a finding holds its own of each as
	// a small number.
	severities []rules.Severity
	rules      []*rules.Rule
	ruleIDs    map[*rules.Rule]uint16
}

// keptFinding is a Finding as a report keeps it; Report.At expands it with
// its subject's names.
type keptFinding struct {
	line, column, endColumn int32
	// subject numbers the object's names in the report (findingSet.subjects).
	subject   uint32
	message   uint32
	fieldPath uint32
	container uint32
	reason    uint32
	file      uint32
	rule      uint16
	severity  uint8
	flags     uint8
}

// The flags of a keptFinding.
const (
	keptSuppressed uint8 = 1 << iota
	keptBaselined
)

// newRetainer returns a retainer for one report: what it keeps goes with
// the report.
func newRetainer() *retainer {
	return &retainer{ids: map[string]uint32{"": 0}, strings: []string{""}, ruleIDs: map[*rules.Rule]uint16{}}
}

// keep returns the compact form of an object's findings, each of subject
// 0 until the report places it. Judges call it from the loader's workers,
// so it takes its lock once per object.
func (r *retainer) keep(fs []Finding) []keptFinding {
	if len(fs) == 0 {
		return nil
	}
	out := make([]keptFinding, len(fs))
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range fs {
		out[i] = r.keepOne(&fs[i])
	}
	return out
}

// keepOne is keep for one finding, under the lock.
func (r *retainer) keepOne(f *Finding) keptFinding {
	k := keptFinding{
		rule:      r.rule(f.Rule),
		line:      clamp32(f.Line),
		column:    clamp32(f.Column),
		endColumn: clamp32(f.EndColumn),
		severity:  r.severity(f.Severity),
		message:   r.id(f.Message),
		fieldPath: r.id(f.FieldPath),
		container: r.id(f.Container),
		reason:    r.id(f.Reason),
		file:      r.id(f.File),
	}
	if f.Suppressed {
		k.flags |= keptSuppressed
	}
	if f.Baselined {
		k.flags |= keptBaselined
	}
	return k
}

// id is the number of s's kept copy, kept now if s is new. The copy is
// exactly s's bytes: a message the engine built may sit in a larger buffer
// (a builder grown by doubling, a string s was cut from), which keeping s
// itself would keep whole.
func (r *retainer) id(s string) uint32 {
	if id, ok := r.ids[s]; ok {
		return id
	}
	s = strings.Clone(s)
	id := uint32(len(r.strings))
	r.ids[s] = id
	r.strings = append(r.strings, s)
	return id
}

// severity is the number of s among the severities kept, kept now if s is
// new. A rule declares one of three; a report with more than 256
// different ones is a bug, not input.
func (r *retainer) severity(s rules.Severity) uint8 {
	for i, have := range r.severities {
		if have == s {
			return uint8(i)
		}
	}
	if len(r.severities) > math.MaxUint8 {
		panic(fmt.Sprintf("scan: more than %d severities", math.MaxUint8+1))
	}
	r.severities = append(r.severities, s)
	return uint8(len(r.severities) - 1)
}

// rule is the number of rule among the rules kept, kept now if it is new.
// An engine holds a few hundred rules; a report with findings of more
// than 65,536 is a bug, not input.
func (r *retainer) rule(rule *rules.Rule) uint16 {
	if id, ok := r.ruleIDs[rule]; ok {
		return id
	}
	if len(r.rules) > math.MaxUint16 {
		panic(fmt.Sprintf("scan: findings of more than %d rules", math.MaxUint16+1))
	}
	id := uint16(len(r.rules))
	r.ruleIDs[rule] = id
	r.rules = append(r.rules, rule)
	return id
}

// clamp32 holds a line or column in 32 bits; none comes near the limits
// (a file of two billion lines), and one that did would stay in its file.
func clamp32(n int) int32 {
	return int32(min(max(n, math.MinInt32), math.MaxInt32))
}
