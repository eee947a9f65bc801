// Package jsonstr finds the end of the plain stretch of a JSON string
// quickly: the bytes a scanner may step over without looking at them one by
// one, which is most of a large string.
package jsonstr

import "encoding/binary"

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// SkipPlain returns the index of the first byte of b from i on that a JSON
// scanner must look at inside a string: a quote, a backslash, a control
// character (below 0x20) or a byte of a multi-byte UTF-8 sequence (0x80 and
// above); len(b) when there is none. It tests eight bytes at a time: a
// word has such a byte when subtracting one from each byte of it XORed
// with the byte sought, or 0x20 from each byte of the word, borrows into a
// byte's high bit.
func SkipPlain(b []byte, i int) int {
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		quote, backslash := x^(ones*'"'), x^(ones*'\\')
		special := ((x - ones*0x20) & ^x) | ((quote - ones) & ^quote) | ((backslash - ones) & ^backslash) | x
		if special&highs != 0 {
			break
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c == '"' || c == '\\' || c < 0x20 || c >= 0x80 {
			return i
		}
	}
	return i
}
