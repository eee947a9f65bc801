package baseline

import (
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
//
// Apply uses up the entries it matches, rather than counting them in a
// copy that would double the baseline's memory: a Baseline serves one
// report, and Len is what was left unmatched.
func (b *Baseline) Apply(rep *scan.Report) {
	reason := "baselined in " + b.File
	if rep.Summary.BySeverity == nil {
		scan.Tally(rep)
	}
	for i := range rep.Len() {
		if rep.Suppressed(i) {
			continue
		}
		f := rep.At(i)
		k, _ := parseKey(report.Fingerprint(f))
		if b.counts[k] == 0 {
			continue
		}
		if b.counts[k]--; b.counts[k] == 0 {
			delete(b.counts, k)
		}
		rep.Baseline(i, reason)
		rep.Summary.BySeverity[f.Severity]--
		rep.Summary.Baselined++
	}
}
