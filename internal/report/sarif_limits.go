package report

import (
	"fmt"

	"github.com/slotwise/slotcheck/internal/scan"
)

// SARIFLimits are how many results of one run code scanning takes.
type SARIFLimits struct {
	// Shown is how many results of a run code scanning keeps and shows, the
	// most severe first.
	Shown int
	// Accepted is the most results a run may hold: a log with more is rejected.
	Accepted int
}

// GitHubSARIFLimits are GitHub code scanning's limits on the results of one
// run (docs.github.com: "SARIF results exceed limit").
func GitHubSARIFLimits() SARIFLimits { return SARIFLimits{Shown: 5000, Accepted: 25000} }

// splitAdvice is how a scan splits into runs that code scanning takes whole.
const splitAdvice = "one --sarif-category per folder, e.g. slotcheck --sarif-category k8s/apps ./k8s/apps"

// Advice is what to tell the user about the SARIF log of rep, which is
// written whatever its size: a warning when code scanning would reject it,
// a note when it would show only some of its results, else "".
func (l SARIFLimits) Advice(rep *scan.Report) string {
	n := 0
	for i := range rep.Len() {
		if !rep.Suppressed(i) {
			n++
		}
	}
	switch {
	case n > l.Accepted:
		return fmt.Sprintf("warning: the SARIF log holds %d results, more than the %d of one run that GitHub code scanning accepts (it shows %d): uploading it will fail. Split the scan into runs, %s", n, l.Accepted, l.Shown, splitAdvice)
	case n > l.Shown:
		return fmt.Sprintf("note: the SARIF log holds %d results; GitHub code scanning shows %d of one run, the most severe first. To see them all, split the scan into runs, %s", n, l.Shown, splitAdvice)
	}
	return ""
}
