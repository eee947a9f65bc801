package admission

import (
	"strconv"
	"strings"
)

// The API server passes on about 4 KiB of warnings per response and cuts
// each to 256 characters past that, dropping the rest: warnings are kept
// short (no fix, no link: `slotcheck explain ID` has them) and their sum
// within the budget, with a last line saying how many were left out.
const (
	warningBudget  = 3800
	warningMaxLine = 250
)

// The last warning when some are left out: "and N more finding(s): ...".
const (
	moreBefore = "and "
	moreAfter  = " more finding(s): see the webhook's log or run slotcheck on the manifest"
)

// fitWarnings shortens warning lines to fit the API server's warning
// budget.
func fitWarnings(lines []string) []string {
	var out []string
	used := 0
	for i, l := range lines {
		short, _, _ := strings.Cut(l, " fix: ")
		if len(short) > warningMaxLine {
			short = short[:warningMaxLine-3] + "..."
		}
		left := strconv.Itoa(len(lines) - i)
		if used+len(short)+len(moreBefore)+len(left)+len(moreAfter) > warningBudget {
			return append(out, moreBefore+left+moreAfter)
		}
		if out == nil {
			out = make([]string, 0, len(lines)-i)
		}
		out = append(out, short)
		used += len(short)
	}
	return out
}
