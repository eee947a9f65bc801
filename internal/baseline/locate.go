package baseline

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// errTruncated is a report that ends inside a value, worded as
// encoding/json words it.
var errTruncated = errors.New("unexpected end of JSON input")

// located places err, met reading a token or a value into v from offset
// start, at its line and column; sep is the comma or colon that comes
// before the value unless it is the first of an array or object. A
// json.Decoder gives the offset of an error its token state machine finds
// (a missing comma, say), but not of one met inside a value: that offset
// counts from an earlier point of the stream. So the value is decoded
// again by a decoder of its own, which counts from where it starts; a
// value is a finding or a token, never the whole report. Only if that
// decodes is the error the state machine's.
func (r *reader) located(start int64, sep byte, v any, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return r.at(r.size, errTruncated)
	}
	if offset, again := r.again(start, r.separated(start, sep), v); again != nil {
		return r.at(offset, again)
	}
	return r.tokenError(start, err)
}

// tokenError places err, which the decoder's token state machine found
// reading from offset start, or failing that at start.
func (r *reader) tokenError(start int64, err error) error {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) && syntax.Offset == r.dec.InputOffset() {
		return r.at(syntax.Offset+1, err) // the offset of the byte, not past it
	}
	return r.at(start+1, err)
}

// locatedKey is located for err met reading an object's key from offset
// start: what follows there must be a string, and a decoder of its own
// would read any value.
func (r *reader) locatedKey(start int64, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return r.at(r.size, errTruncated)
	}
	in, skipped, ok := r.from(start, r.separated(start, ','))
	c, rerr := in.ReadByte()
	switch {
	case !ok:
		return r.tokenError(start, err)
	case rerr != nil:
		return r.at(r.size, errTruncated)
	case c != '"':
		return r.at(start+skipped+1, fmt.Errorf("invalid character %q looking for beginning of object key string", c))
	}
	_ = in.UnreadByte() // cannot fail: a byte was just read
	if offset, again := r.decodeAgain(in, start+skipped, new(string)); again != nil {
		return r.at(offset, again)
	}
	return r.tokenError(start, err)
}

// separated is sep if it comes between the token that ends before start
// (and the white space the decoder may have skipped since) and the next,
// and 0 if that token opens an array or object or there is none.
func (r *reader) separated(start int64, sep byte) byte {
	var last [1]byte
	for pos := start - 1; pos >= 0; pos-- {
		if _, err := r.src.ReadAt(last[:], pos); err != nil {
			return 0
		}
		switch last[0] {
		case ' ', '\t', '\r', '\n':
			continue
		case '{', '[':
			return 0
		}
		return sep
	}
	return 0
}

// again decodes the value at start into v with a decoder of its own and
// returns its error with the offset in the report just past the byte
// that was wrong; nil if the value decodes.
func (r *reader) again(start int64, sep byte, v any) (int64, error) {
	in, skipped, ok := r.from(start, sep)
	if !ok {
		return 0, nil
	}
	return r.decodeAgain(in, start+skipped, v)
}

// from reads the report from start on, past what the first decoder had
// consumed before the next value: white space and sep, the comma or
// colon before it, unless 0; skipped is how many bytes that is. ok is false when
// the comma or colon is not there: the state machine's error, then.
func (r *reader) from(start int64, sep byte) (in *bufio.Reader, skipped int64, ok bool) {
	in = bufio.NewReader(io.NewSectionReader(r.src, start, r.size-start))
	for {
		c, err := in.ReadByte()
		if err != nil {
			return in, skipped, sep == 0
		}
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' && (sep == 0 || c != sep) {
			_ = in.UnreadByte() // cannot fail: a byte was just read
			return in, skipped, sep == 0
		}
		skipped++
		if c == sep {
			sep = 0
		}
	}
}

// decodeAgain decodes the value in into v with a decoder of its own;
// base is the offset of in in the report.
func (r *reader) decodeAgain(in io.Reader, base int64, v any) (int64, error) {
	err := json.NewDecoder(in).Decode(v)
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		return 0, nil
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return r.size, errTruncated
	case errors.As(err, &syntax):
		return base + syntax.Offset, err
	case errors.As(err, &typ):
		return base + typ.Offset, err
	}
	return 0, nil
}

// at puts the line and column of the byte just before offset in front of
// err, as encoding/json's offsets count: the offset just past the byte
// that was wrong.
func (r *reader) at(offset int64, err error) error {
	end := max(0, min(offset-1, r.size))
	line, column := 1, int64(1)
	buf := make([]byte, 64<<10)
	for pos := int64(0); pos < end; {
		n, rerr := r.src.ReadAt(buf[:min(int64(len(buf)), end-pos)], pos)
		chunk := buf[:n]
		if nl := bytes.Count(chunk, []byte("\n")); nl > 0 {
			line += nl
			column = int64(n - bytes.LastIndexByte(chunk, '\n'))
		} else {
			column += int64(n)
		}
		pos += int64(n)
		if rerr != nil && pos < end {
			return err
		}
	}
	return fmt.Errorf("line %d, column %d: %w", line, column, err)
}
