// Package baseline reads an earlier JSON report and marks the findings of
// a scan it already held, so that a repository can adopt slotcheck with
// its existing findings recorded and only new ones failing the build.
package baseline

import (
	"bytes"
	"encoding/hex"
	"slices"
)

// Baseline is an earlier report's findings, by fingerprint: a fingerprint
// held twice lets two findings of a scan through, not three.
type Baseline struct {
	// File is where the baseline was read from, named in each reason.
	File string
	// keys holds a key per finding, sorted (see sortKeys): 16 bytes a
	// finding, a quarter of a map's cost per entry, for a baseline of a
	// large repository holds hundreds of thousands.
	keys []key
}

// key is a fingerprint as the 16 bytes its 32 hexadecimal digits spell.
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

// compareKeys orders keys byte by byte.
func compareKeys(a, b key) int {
	return bytes.Compare(a[:], b[:])
}

// sortKeys sorts b's keys, so that Apply finds a fingerprint's entries
// together by binary search, and lets go of the room appending left.
func (b *Baseline) sortKeys() {
	slices.SortFunc(b.keys, compareKeys)
	b.keys = slices.Clip(b.keys)
}

// New is a baseline of the given fingerprints, one entry per finding; a
// string that is not a fingerprint matches nothing and is left out.
func New(file string, fingerprints []string) *Baseline {
	b := &Baseline{File: file, keys: make([]key, 0, len(fingerprints))}
	for _, fp := range fingerprints {
		if k, ok := parseKey(fp); ok {
			b.keys = append(b.keys, k)
		}
	}
	b.sortKeys()
	return b
}

// Len is how many findings the baseline holds.
func (b *Baseline) Len() int {
	return len(b.keys)
}
