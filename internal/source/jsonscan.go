package source

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/slotwise/slotcheck/internal/jsonstr"
)

// jsonScanner walks the bytes of one JSON document. It validates as it
// goes, RFC 8259 strictly, and reports a problem at a byte offset, which
// jsonPosition turns into a line and column only when there is one.
type jsonScanner struct {
	src []byte
	pos int
}

// maxSkipDepth bounds the nesting of values scanned without being converted
// (the parts of a List around its items, an object that is skipped), so that
// a hostile document cannot take the stack; YAML's parser has the same limit.
const maxSkipDepth = 10000

// jsonError is a problem at a byte offset of the document.
type jsonError struct {
	offset int
	msg    string
}

func (e *jsonError) Error() string { return e.msg }

func (s *jsonScanner) errorf(format string, args ...any) error {
	return &jsonError{offset: s.pos, msg: fmt.Sprintf(format, args...)}
}

// unexpected describes the byte at the scanner's position.
func (s *jsonScanner) unexpected(what string) error {
	if s.pos >= len(s.src) {
		return s.errorf("invalid JSON: unexpected end of input, want %s", what)
	}
	return s.errorf("invalid JSON: unexpected %q, want %s", s.src[s.pos], what)
}

func (s *jsonScanner) skipSpace() {
	for s.pos < len(s.src) {
		switch s.src[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// peek is the next byte that is not white space, 0 at the end.
func (s *jsonScanner) peek() byte {
	s.skipSpace()
	if s.pos >= len(s.src) {
		return 0
	}
	return s.src[s.pos]
}

// atEnd reports whether only white space is left.
func (s *jsonScanner) atEnd() bool {
	s.skipSpace()
	return s.pos >= len(s.src)
}

// expect consumes c, the next byte that is not white space.
func (s *jsonScanner) expect(c byte) error {
	if s.peek() != c {
		return s.unexpected(fmt.Sprintf("%q", c))
	}
	s.pos++
	return nil
}

// literal consumes true, false or null.
func (s *jsonScanner) literal(word string) error {
	if len(s.src)-s.pos < len(word) || string(s.src[s.pos:s.pos+len(word)]) != word {
		return s.unexpected("a JSON value")
	}
	s.pos += len(word)
	return nil
}

// number consumes a number and returns its text.
func (s *jsonScanner) number() ([]byte, error) {
	start := s.pos
	if s.pos < len(s.src) && s.src[s.pos] == '-' {
		s.pos++
	}
	switch {
	case s.pos < len(s.src) && s.src[s.pos] == '0':
		s.pos++
	case s.pos < len(s.src) && s.src[s.pos] >= '1' && s.src[s.pos] <= '9':
		s.digits()
	default:
		return nil, s.unexpected("a digit")
	}
	if s.pos < len(s.src) && s.src[s.pos] == '.' {
		s.pos++
		if !s.digits() {
			return nil, s.unexpected("a digit")
		}
	}
	if s.pos < len(s.src) && (s.src[s.pos] == 'e' || s.src[s.pos] == 'E') {
		s.pos++
		if s.pos < len(s.src) && (s.src[s.pos] == '+' || s.src[s.pos] == '-') {
			s.pos++
		}
		if !s.digits() {
			return nil, s.unexpected("a digit")
		}
	}
	return s.src[start:s.pos], nil
}

func (s *jsonScanner) digits() bool {
	start := s.pos
	for s.pos < len(s.src) && s.src[s.pos] >= '0' && s.src[s.pos] <= '9' {
		s.pos++
	}
	return s.pos > start
}

// str consumes a string and returns its text.
func (s *jsonScanner) str() (string, error) {
	body, _, err := s.rawStr()
	return string(body), err
}

// rawStr consumes a string. A string of printable ASCII or valid UTF-8
// without escapes is plain: its text is body, the bytes between the quotes,
// which the caller must not keep. Any other string's text is body decoded
// by encoding/json, so that escapes, surrogate pairs and invalid UTF-8 read
// exactly as the API server reads them; body then holds it already.
func (s *jsonScanner) rawStr() (body []byte, plain bool, err error) {
	if s.pos >= len(s.src) || s.src[s.pos] != '"' {
		return nil, false, s.unexpected("a string")
	}
	start := s.pos
	s.pos++
	escaped, ascii := false, true
	for {
		s.pos = jsonstr.SkipPlain(s.src, s.pos)
		if s.pos >= len(s.src) {
			return nil, false, s.errorf("invalid JSON: string not terminated")
		}
		c := s.src[s.pos]
		switch {
		case c == '"':
			s.pos++
			body := s.src[start+1 : s.pos-1]
			if !escaped && (ascii || utf8.Valid(body)) {
				return body, true, nil
			}
			var out string
			if err := json.Unmarshal(s.src[start:s.pos], &out); err != nil {
				s.pos = start
				return nil, false, s.errorf("invalid JSON string: %v", err)
			}
			return []byte(out), false, nil
		case c < 0x20:
			return nil, false, s.errorf("invalid JSON: control character %q in a string", c)
		case c == '\\':
			escaped = true
			if err := s.escape(); err != nil {
				return nil, false, err
			}
			continue
		case c >= 0x80:
			ascii = false
		}
		s.pos++
	}
}

// escape checks and steps over one escape sequence of a string.
func (s *jsonScanner) escape() error {
	if s.pos+1 >= len(s.src) {
		return s.errorf("invalid JSON: string not terminated")
	}
	switch s.src[s.pos+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		s.pos += 2
		return nil
	case 'u':
		if s.pos+6 > len(s.src) {
			return s.errorf("invalid JSON: string not terminated")
		}
		for _, h := range s.src[s.pos+2 : s.pos+6] {
			if !isHex(h) {
				return s.errorf("invalid JSON: bad \\u escape in a string")
			}
		}
		s.pos += 6
		return nil
	}
	return s.errorf("invalid JSON: unknown escape \\%c in a string", s.src[s.pos+1])
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// skip consumes one value, checking it, and returns where it starts.
func (s *jsonScanner) skip(depth int) (int, error) {
	if depth > maxSkipDepth {
		return 0, s.errorf("document nests more than %d levels deep", maxSkipDepth)
	}
	start := s.pos
	var err error
	switch s.peek() {
	case '{':
		start = s.pos
		err = s.members(func([]byte) error { _, err := s.skip(depth + 1); return err })
	case '[':
		start = s.pos
		err = s.elements(func() error { _, err := s.skip(depth + 1); return err })
	case '"':
		// Checked, not kept: a 3 MiB annotation is not copied to be dropped.
		start = s.pos
		_, _, err = s.rawStr()
	default:
		start = s.pos
		_, _, err = s.scalar()
	}
	return start, err
}

// members consumes an object, calling value for each member with its key
// (valid until value returns) and the scanner at its value.
func (s *jsonScanner) members(value func(key []byte) error) error {
	if err := s.expect('{'); err != nil {
		return err
	}
	if s.peek() == '}' {
		s.pos++
		return nil
	}
	for {
		s.skipSpace()
		key, _, err := s.rawStr()
		if err != nil {
			return err
		}
		if err := s.expect(':'); err != nil {
			return err
		}
		s.skipSpace()
		if err := value(key); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return nil
		default:
			return s.unexpected(`"," or "}"`)
		}
	}
}

// elements consumes an array, calling value with the scanner at each
// element.
func (s *jsonScanner) elements(value func() error) error {
	if err := s.expect('['); err != nil {
		return err
	}
	if s.peek() == ']' {
		s.pos++
		return nil
	}
	for {
		s.skipSpace()
		if err := value(); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.pos++
		case ']':
			s.pos++
			return nil
		default:
			return s.unexpected(`"," or "]"`)
		}
	}
}

// jsonScalar is the kind of a scalar the scanner read.
type jsonScalar byte

const (
	scalarString jsonScalar = iota + 1
	scalarNumber
	scalarTrue
	scalarFalse
	scalarNull
)

// scalar consumes a scalar and returns its kind and text: a string's
// content, a number or a literal as written, the way YAML nodes hold them.
func (s *jsonScanner) scalar() (jsonScalar, string, error) {
	switch c := s.peek(); {
	case c == '"':
		str, err := s.str()
		return scalarString, str, err
	case c == '-' || c >= '0' && c <= '9':
		n, err := s.number()
		return scalarNumber, string(n), err
	case c == 't':
		return scalarTrue, "true", s.literal("true")
	case c == 'f':
		return scalarFalse, "false", s.literal("false")
	case c == 'n':
		return scalarNull, "null", s.literal("null")
	}
	return 0, "", s.unexpected("a JSON value")
}

// jsonPosition is the line and column of a byte offset, 1-based, the
// column counted in characters as YAML's parser counts them.
func jsonPosition(src []byte, offset int) (line, column int) {
	offset = min(max(offset, 0), len(src))
	line, lineStart := 1, 0
	for i := range offset {
		if src[i] == '\n' {
			line++
			lineStart = i + 1
		}
	}
	return line, utf8.RuneCount(src[lineStart:offset]) + 1
}
