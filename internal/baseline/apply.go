package baseline

import (
	"slices"

	"github.com/slotwise/slotcheck/internal/report"
	"github.com/slotwise/slotcheck/internal/scan"
)

// Apply marks each finding of rep that the baseline holds as baselined
// and moves it out of its severity's count, so that it leaves the exit
// status and the SARIF log as a suppressed finding does. Findings already
// suppressed by an exemption are left alone and use up no entry. When a
// fingerprint occurs more often in rep than in the baseline, the first
// ones in report order (file, line, column, id) are baselined and the
// rest are new.
func (b *Baseline) Apply(rep *scan.Report) {
	reason := "baselined in " + b.File
	if rep.Summary.BySeverity == nil {
		scan.Tally(rep)
	}
	// used marks the entries matched so far, a bit each.
	used := make([]uint64, (len(b.keys)+63)/64)
	for i := range rep.Len() {
		if rep.Suppressed(i) {
			continue
		}
		f := rep.At(i)
		k, _ := parseKey(report.Fingerprint(f))
		e, ok := b.entry(k, used)
		if !ok {
			continue
		}
		used[e/64] |= 1 << (e % 64)
		rep.Baseline(i, reason)
		rep.Summary.BySeverity[f.Severity]--
		rep.Summary.Baselined++
	}
}

// entry is the first entry of k that used does not mark; ok is false when
// there is none.
func (b *Baseline) entry(k key, used []uint64) (e int, ok bool) {
	e, _ = slices.BinarySearchFunc(b.keys, k, compareKeys)
	for ; e < len(b.keys) && b.keys[e] == k; e++ {
		if used[e/64]&(1<<(e%64)) == 0 {
			return e, true
		}
	}
	return 0, false
}
