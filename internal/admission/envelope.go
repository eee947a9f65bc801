package admission

import (
	"bytes"
)

// span is a byte range [start, end) of a body; the zero span is none.
type span struct{ start, end int }

func (s span) len() int { return s.end - s.start }

// envelope is where the objects of an AdmissionReview lie in its body.
type envelope struct {
	object, oldObject span
}

// maxScanDepth is the deepest nesting scanEnvelope follows. Kubernetes
// objects nest a few dozen levels; a deeper body goes to controller-runtime
// whole, which answers it as it always has (and refuses beyond 10,000).
const maxScanDepth = 512

// scanEnvelope checks in one pass that body is a JSON text encoding/json
// accepts and finds request.object and request.oldObject in it. ok is false
// when the body is no such text, nests deeper than maxScanDepth, or has a
// key on that path twice or written with escapes: there, cutting the objects
// out could change what controller-runtime decodes, so the body must reach
// it unchanged. The scan is iterative (no recursion however deep the input)
// and skips the bytes of a string eight at a time, which is what makes a
// 3 MiB annotation cheap.
func scanEnvelope(body []byte) (env envelope, ok bool) {
	s := envelopeScan{b: body}
	if !s.run() {
		return envelope{}, false
	}
	return s.env, true
}

// envelopeScan is the state of one scanEnvelope.
type envelopeScan struct {
	b     []byte
	i     int
	stack []byte // the open containers, '{' or '['
	env   envelope
	// key is the last key read at each of the first two levels.
	key [2]string
	// inRequest is set while the top-level value of key "request" is open.
	inRequest    bool
	sawRequest   bool
	sawObject    bool
	sawOldObject bool
	// pending is the object span whose value is being scanned.
	pending *span
}

// run scans the whole body; false when it is not what scanEnvelope wants.
func (s *envelopeScan) run() bool {
	s.ws()
	for {
		if !s.value() {
			return false
		}
		// A value is complete: close containers or move to the next member.
		for {
			s.ws()
			if len(s.stack) == 0 {
				return s.i == len(s.b)
			}
			if s.i >= len(s.b) {
				return false
			}
			top := s.stack[len(s.stack)-1]
			c := s.b[s.i]
			if c == ',' {
				s.i++
				s.ws()
				if top == '{' && !s.member() {
					return false
				}
				break
			}
			if (top == '{' && c != '}') || (top == '[' && c != ']') {
				return false
			}
			s.i++
			s.stack = s.stack[:len(s.stack)-1]
			s.ended()
		}
	}
}

// value scans one value at s.i. A container it opens counts as scanned:
// its members follow in run; the loop (not recursion) descends into the
// first member of each container it opens.
func (s *envelopeScan) value() bool {
	for {
		if s.i >= len(s.b) || !s.started() {
			return false
		}
		c := s.b[s.i]
		if c != '{' && c != '[' {
			return s.scalar(c)
		}
		if len(s.stack) >= maxScanDepth {
			return false
		}
		s.stack = append(s.stack, c)
		s.i++
		s.ws()
		if s.i < len(s.b) && s.b[s.i] == c+2 { // '{'+2 is '}', '['+2 is ']'
			return true // empty: run closes it
		}
		if c == '{' && !s.member() {
			return false
		}
	}
}

// scalar scans a string, literal or number starting with c.
func (s *envelopeScan) scalar(c byte) bool {
	switch {
	case c == '"':
		_, ok := s.str()
		if ok {
			s.ended()
		}
		return ok
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number()
	}
	return false
}

// member scans a key and its colon, leaving s.i at the member's value.
func (s *envelopeScan) member() bool {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return false
	}
	key, ok := s.str()
	if !ok {
		return false
	}
	if d := len(s.stack); d <= len(s.key) {
		if bytes.IndexByte(key, '\\') >= 0 {
			return false // an escaped key might spell one of the path's
		}
		s.key[d-1] = string(key)
	}
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != ':' {
		return false
	}
	s.i++
	s.ws()
	return true
}

// started notes a value beginning at s.i: the request, or one of its
// objects. It is false for a key of the path seen twice: encoding/json
// would keep the last or merge both, and the scan leaves that to it.
func (s *envelopeScan) started() bool {
	d := len(s.stack)
	switch {
	case d == 1 && s.stack[0] == '{' && s.key[0] == "request":
		if s.sawRequest {
			return false
		}
		s.sawRequest = true
		s.inRequest = s.b[s.i] == '{'
	case d == 2 && s.inRequest && s.key[1] == "object":
		return s.objectStarts(&s.sawObject, &s.env.object)
	case d == 2 && s.inRequest && s.key[1] == "oldObject":
		return s.objectStarts(&s.sawOldObject, &s.env.oldObject)
	}
	return true
}

func (s *envelopeScan) objectStarts(seen *bool, sp *span) bool {
	if *seen {
		return false
	}
	*seen = true
	s.pending = sp
	sp.start = s.i
	return true
}

// ended notes a value ending at s.i, at the level now on top of the stack.
func (s *envelopeScan) ended() {
	switch d := len(s.stack); {
	case d == 2 && s.pending != nil:
		s.pending.end = s.i
		s.pending = nil
	case d == 1:
		s.inRequest = false
	}
}

func (s *envelopeScan) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *envelopeScan) literal(word string) bool {
	if len(s.b)-s.i < len(word) || string(s.b[s.i:s.i+len(word)]) != word {
		return false
	}
	s.i += len(word)
	s.ended()
	return true
}

// number scans -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?.
func (s *envelopeScan) number() bool {
	if s.b[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i < len(s.b) && s.b[s.i] == '0':
		s.i++
	case s.digits() == 0:
		return false
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if s.digits() == 0 {
			return false
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if s.digits() == 0 {
			return false
		}
	}
	s.ended()
	return true
}

func (s *envelopeScan) digits() int {
	n := 0
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
		n++
	}
	return n
}

// str scans a string at s.i and returns its raw contents (escapes kept).
// encoding/json refuses control characters and unknown escapes in a
// string, and accepts any other byte, invalid UTF-8 included.
func (s *envelopeScan) str() ([]byte, bool) {
	s.i++
	start := s.i
	for {
		s.i = skipString(s.b, s.i)
		if s.i >= len(s.b) {
			return nil, false
		}
		switch c := s.b[s.i]; {
		case c == '"':
			s.i++
			return s.b[start : s.i-1], true
		case c < 0x20:
			return nil, false
		case c == '\\':
			if !s.escape() {
				return nil, false
			}
		default:
			s.i++
		}
	}
}

// escape scans one escape sequence at s.i.
func (s *envelopeScan) escape() bool {
	s.i++
	if s.i >= len(s.b) {
		return false
	}
	switch s.b[s.i] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		s.i++
		return true
	case 'u':
		if len(s.b)-s.i < 5 {
			return false
		}
		for _, h := range s.b[s.i+1 : s.i+5] {
			if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
				return false
			}
		}
		s.i += 5
		return true
	}
	return false
}
