package scan

import "sync"

// retainer shrinks the findings a scan keeps until its report is written,
// which at 100,000 objects are most of its memory: close to a million
// findings. Many of them share their text (a rule's message names a
// container or an image, not always its object; a field path is one of a
// hundred), so each distinct string is kept once; and the path segments,
// which no report writes, are dropped (the webhook, which reads them,
// judges one object and keeps nothing).
type retainer struct {
	mu      sync.Mutex
	strings map[string]string
}

// newRetainer returns a retainer for one scan: what it keeps goes with
// the scan.
func newRetainer() *retainer {
	return &retainer{strings: map[string]string{}}
}

// retain shrinks fs in place. Judges call it from the loader's workers,
// so it takes its lock once for all of an object's findings.
func (r *retainer) retain(fs []Finding) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range fs {
		f := &fs[i]
		f.Message = r.intern(f.Message)
		f.FieldPath = r.intern(f.FieldPath)
		f.Path = nil
	}
}

// intern returns the copy of s kept first.
func (r *retainer) intern(s string) string {
	if kept, ok := r.strings[s]; ok {
		return kept
	}
	r.strings[s] = s
	return s
}
