package jsonstr

import (
	"strings"
	"testing"
)

// naive is SkipPlain one byte at a time: its reference.
func naive(b []byte, i int) int {
	for ; i < len(b); i++ {
		if c := b[i]; c == '"' || c == '\\' || c < 0x20 || c >= 0x80 {
			return i
		}
	}
	return i
}

func TestSkipPlain(t *testing.T) {
	long := strings.Repeat("abcdefgh", 5)
	tests := []struct {
		name string
		s    string
		from int
		want int
	}{
		{name: "empty", s: "", want: 0},
		{name: "plain to the end", s: long, want: len(long)},
		{name: "quote in the first word", s: `ab"` + long, want: 2},
		{name: "quote in a later word", s: long + `"x`, want: len(long)},
		{name: "backslash", s: long[:13] + `\n`, want: 13},
		{name: "control character", s: long[:9] + "\x1f", want: 9},
		{name: "tab", s: long[:17] + "\t", want: 17},
		{name: "byte of a UTF-8 sequence", s: long[:20] + "é", want: 20},
		{name: "0x7f is plain", s: "\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\"", want: 9},
		{name: "space and 0x21 are plain", s: "        !!!!!!!!\"", want: 16},
		{name: "from the middle", s: `"abc"` + long + `"`, from: 1, want: 4},
		{name: "tail shorter than a word", s: long + "xy\\", want: len(long) + 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SkipPlain([]byte(tt.s), tt.from); got != tt.want {
				t.Errorf("SkipPlain(%q, %d) = %d, want %d", tt.s, tt.from, got, tt.want)
			}
		})
	}
}

func FuzzSkipPlain(f *testing.F) {
	f.Add([]byte(`abcdefgh"ijklmnop`), 0)
	f.Add([]byte("\x00\x1f\x20\x7f\x80\xff\\\""), 3)
	f.Fuzz(func(t *testing.T, b []byte, i int) {
		if i < 0 || i > len(b) {
			return
		}
		if got, want := SkipPlain(b, i), naive(b, i); got != want {
			t.Fatalf("SkipPlain(%q, %d) = %d, naive %d", b, i, got, want)
		}
	})
}
