package admission

import (
	"bytes"
	"encoding/binary"

	"github.com/slotwise/slotcheck/internal/jsonstr"
)

// shortString is how far skipString steps eight bytes at a time before it
// takes a string for a long one: keys and most values end well before.
const shortString = 64

// skipString returns the offset of the first byte at or after i that ends
// a run of a JSON string's plain bytes in the envelope scan: a quote, a
// backslash or a control character; len(b) when none does. Bytes of 0x80
// and above are plain here, as encoding/json takes them, but among the
// first shortString it may stop at one: the caller steps over it.
//
// A long string (the soak's 3 MiB annotation, a ConfigMap's file) is most
// of a large review's bytes, and stepping over it eight bytes at a time was
// most of the CPU such a review cost the webhook. For one, bytes.IndexByte
// (vector instructions) finds the next quote, and then a backslash before
// it, and one cheap pass checks that no control character precedes it.
func skipString(b []byte, i int) int {
	end := min(len(b), i+shortString)
	if j := jsonstr.SkipPlain(b[:end], i); j < end {
		return j
	}
	i = end
	quote := bytes.IndexByte(b[i:], '"')
	if quote < 0 {
		quote = len(b) - i
	}
	run := b[i : i+quote]
	if backslash := bytes.IndexByte(run, '\\'); backslash >= 0 {
		run = run[:backslash]
	}
	return i + controlAt(run)
}

// controlAt is the index of the first byte below 0x20 in b, len(b) when
// there is none.
func controlAt(b []byte) int {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	// A byte below 0x20 borrows in x-0x20 with its own high bit clear: the
	// usual test for a zero byte, shifted by 0x20. Four words at a time,
	// then the word and the byte that hold it.
	below := func(x uint64) uint64 { return (x - ones*0x20) &^ x & highs }
	i := 0
	for ; i+32 <= len(b); i += 32 {
		w := b[i : i+32]
		if below(binary.LittleEndian.Uint64(w))|below(binary.LittleEndian.Uint64(w[8:]))|
			below(binary.LittleEndian.Uint64(w[16:]))|below(binary.LittleEndian.Uint64(w[24:])) != 0 {
			break
		}
	}
	for ; i+8 <= len(b); i += 8 {
		if below(binary.LittleEndian.Uint64(b[i:])) != 0 {
			break
		}
	}
	for ; i < len(b); i++ {
		if b[i] < 0x20 {
			return i
		}
	}
	return i
}
