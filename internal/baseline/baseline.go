// Package baseline reads an earlier JSON report and marks the findings of
// a scan it already held, so that a repository can adopt slotcheck with
// its existing findings recorded and only new ones failing the build.
package baseline

import "encoding/hex"

// Baseline is an earlier report's findings, counted by fingerprint: a
// fingerprint held twice lets two findings of a scan through, not three.
type Baseline struct {
	// File is where the baseline was read from, named in each reason.
	File   string
	counts map[key]uint32
}

// key is a fingerprint as the 16 bytes its 32 hexadecimal digits spell:
// a baseline of a large repository holds hundreds of thousands, and a
// string of the digits would take four times the memory.
type key [16]byte

// parseKey is the key of fingerprint fp, 32 lowercase hexadecimal digits
// (report.Fingerprint's form); ok is false for anything else.
func parseKey(fp string) (k key, ok bool) {
	if len(fp) != 2*len(k) {
		return k, false
	}
	for _, c := range []byte(fp) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return k, false
		}
	}
	_, err := hex.Decode(k[:], []byte(fp))
	return k, err == nil
}

// New is a baseline of the given fingerprints, one entry per finding; a
// string that is not a fingerprint matches nothing and is left out.
func New(file string, fingerprints []string) *Baseline {
	b := &Baseline{File: file, counts: make(map[key]uint32, len(fingerprints))}
	for _, fp := range fingerprints {
		if k, ok := parseKey(fp); ok {
			b.counts[k]++
		}
	}
	return b
}

// Len is how many findings the baseline holds.
func (b *Baseline) Len() int {
	n := 0
	for _, c := range b.counts {
		n += int(c)
	}
	return n
}
