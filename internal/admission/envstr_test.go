package admission

import (
	"strings"
	"testing"
)

// plainEnd is skipString's reference: the first quote, backslash or control
// character at or after i.
func plainEnd(b []byte, i int) int {
	for ; i < len(b); i++ {
		if c := b[i]; c == '"' || c == '\\' || c < 0x20 {
			return i
		}
	}
	return i
}

// checkSkipString holds skipString to plainEnd: the same offset, or an
// earlier one at a byte of 0x80 or above among the first shortString.
func checkSkipString(t *testing.T, b []byte, i int) {
	t.Helper()
	got, want := skipString(b, i), plainEnd(b, i)
	if got == want || got < want && got < i+shortString && b[got] >= 0x80 {
		return
	}
	t.Errorf("skipString(%.80q, %d) = %d, want %d", b, i, got, want)
}

func TestSkipString(t *testing.T) {
	long := strings.Repeat("abcdefgh", 100)
	tests := []struct {
		name string
		s    string
		from int
		want int
	}{
		{name: "empty", s: "", want: 0},
		{name: "short, to its quote", s: `abc"`, want: 3},
		{name: "long, to its quote", s: long + `"x`, want: len(long)},
		{name: "long, never ends", s: long, want: len(long)},
		{name: "backslash before the quote", s: long + `\"` + `"`, want: len(long)},
		{name: "backslash after the quote", s: long + `"\`, want: len(long)},
		{name: "control character before the quote", s: long[:100] + "\x1f" + long + `"`, want: 100},
		{name: "control character in the last word", s: long[:203] + "\n" + `"`, want: 203},
		{name: "control character after the quote", s: long + `"` + "\x00", want: len(long)},
		{name: "0x7f and space are plain", s: long + strings.Repeat("\x7f ", 20) + `"`, want: len(long) + 40},
		{name: "high bytes are plain in a long string", s: long + strings.Repeat("é", 30) + `"`, want: len(long) + 60},
		{name: "from the middle", s: `"a"` + long + `"`, from: 3, want: 3 + len(long)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := skipString([]byte(tt.s), tt.from); got != tt.want {
				t.Errorf("skipString = %d, want %d", got, tt.want)
			}
			checkSkipString(t, []byte(tt.s), tt.from)
		})
	}
}

func FuzzSkipString(f *testing.F) {
	f.Add([]byte(strings.Repeat("x", 100)+`"`), 0)
	f.Add([]byte(strings.Repeat("é", 50)+"\x01"+`"`), 2)
	f.Add([]byte(strings.Repeat("y", 70)+`\"`+"\t"), 1)
	f.Fuzz(func(t *testing.T, b []byte, i int) {
		if i < 0 || i > len(b) {
			return
		}
		checkSkipString(t, b, i)
	})
}

func TestControlAt(t *testing.T) {
	long := strings.Repeat("abcdefgh", 20)
	tests := []struct {
		name string
		s    string
		want int
	}{
		{name: "none", s: long, want: len(long)},
		{name: "in the first block of four words", s: long[:17] + "\x00" + long, want: 17},
		{name: "in a later block", s: long[:70] + "\x1f" + long, want: 70},
		{name: "in the words after the blocks", s: long[:64+3*8+1] + "\x10", want: 64 + 3*8 + 1},
		{name: "in the last bytes", s: long[:5] + "\n", want: 5},
		{name: "space, 0x7f and high bytes are not", s: long + " \x7f\x80\xff", want: len(long) + 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := controlAt([]byte(tt.s)); got != tt.want {
				t.Errorf("controlAt = %d, want %d", got, tt.want)
			}
		})
	}
}
