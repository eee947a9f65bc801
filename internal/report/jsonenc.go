package report

import (
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// flushAt is how much output a writer buffers before handing it to the
// destination: large enough that a report costs few write calls, small
// enough that a 100 MB report is never held in memory whole.
const flushAt = 64 << 10

// jsonWriter writes indented JSON byte for byte as encoding/json's
// MarshalIndent(v, "", "  ") does, without reflection, into a buffer that
// it flushes to w between values.
type jsonWriter struct {
	buffered
	// escapeHTML escapes <, > and & as encoding/json does by default.
	escapeHTML bool
	// hash is the buffer a finding's fingerprint input is written to.
	hash []byte
}

func newJSONWriter(w io.Writer, escapeHTML bool) *jsonWriter {
	return &jsonWriter{buffered: newBuffered(w), escapeHTML: escapeHTML}
}

// buffered is a report's output, written out in large pieces: the writers
// append to buf and flush between values.
type buffered struct {
	w   io.Writer
	buf []byte
}

func newBuffered(w io.Writer) buffered {
	return buffered{w: w, buf: make([]byte, 0, flushAt+flushAt/2)}
}

// maybeFlush writes the buffer out once it is full; callers call it only
// between values, so that nothing written can still be taken back.
func (b *buffered) maybeFlush() error {
	if len(b.buf) < flushAt {
		return nil
	}
	return b.flush()
}

func (b *buffered) flush() error {
	if len(b.buf) == 0 {
		return nil
	}
	_, err := b.w.Write(b.buf)
	b.buf = b.buf[:0]
	if err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}

func (e *jsonWriter) newline(depth int) {
	e.buf = append(e.buf, '\n')
	for range depth {
		e.buf = append(e.buf, ' ', ' ')
	}
}

func (e *jsonWriter) str(s string) { e.buf = appendJSONString(e.buf, s, e.escapeHTML) }

func (e *jsonWriter) int(n int) { e.buf = strconv.AppendInt(e.buf, int64(n), 10) }

// jsonObject is an object being written, at depth, with n members so far.
type jsonObject struct {
	depth int
	n     int
}

func (e *jsonWriter) openObject(depth int) jsonObject {
	e.buf = append(e.buf, '{')
	return jsonObject{depth: depth}
}

// key starts a member of o.
func (e *jsonWriter) key(o *jsonObject, name string) {
	if o.n > 0 {
		e.buf = append(e.buf, ',')
	}
	e.newline(o.depth + 1)
	e.str(name)
	e.buf = append(e.buf, ':', ' ')
	o.n++
}

// closeObject ends o; an empty object is written as {}, as encoding/json
// writes it.
func (e *jsonWriter) closeObject(o *jsonObject) {
	if o.n > 0 {
		e.newline(o.depth)
	}
	e.buf = append(e.buf, '}')
}

func (e *jsonWriter) stringMember(o *jsonObject, name, s string) {
	e.key(o, name)
	e.str(s)
}

func (e *jsonWriter) intMember(o *jsonObject, name string, n int) {
	e.key(o, name)
	e.int(n)
}

func (e *jsonWriter) boolMember(o *jsonObject, name string, b bool) {
	e.key(o, name)
	e.buf = strconv.AppendBool(e.buf, b)
}

// stringArray writes a non-empty array of strings.
func (e *jsonWriter) stringArray(ss []string, depth int) {
	e.buf = append(e.buf, '[')
	for i, s := range ss {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.newline(depth + 1)
		e.str(s)
	}
	e.newline(depth)
	e.buf = append(e.buf, ']')
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s quoted as encoding/json quotes it, with HTML
// escaping or without.
func appendJSONString(dst []byte, s string, escapeHTML bool) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && (!escapeHTML || b != '<' && b != '>' && b != '&') {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case c == '\u2028' || c == '\u2029':
			// encoding/json escapes both line separators for JSONP.
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
