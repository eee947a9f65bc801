// Package baseline reads an earlier JSON report and marks the findings of
// a scan it already held, so that a repository can adopt slotcheck with
// its existing findings recorded and only new ones failing the build.
package baseline

// Baseline is an earlier report's findings, counted by fingerprint: a
// fingerprint held twice lets two findings of a scan through, not three.
type Baseline struct {
	// File is where the baseline was read from, named in each reason.
	File   string
	counts map[string]int
}

// New is a baseline of the given fingerprints, one entry per finding.
func New(file string, fingerprints []string) *Baseline {
	b := &Baseline{File: file, counts: make(map[string]int, len(fingerprints))}
	for _, fp := range fingerprints {
		b.counts[fp]++
	}
	return b
}

// Len is how many findings the baseline holds.
func (b *Baseline) Len() int {
	n := 0
	for _, c := range b.counts {
		n += c
	}
	return n
}
