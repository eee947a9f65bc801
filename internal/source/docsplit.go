package source

import "bytes"

// docChunk is the text of a file from one document start marker ("---" at
// the start of a line) to the next: one document, or several when markers
// are left out.
type docChunk struct {
	text []byte
	// line is the file's line the chunk starts on, counted from 1.
	line int
}

// splitDocuments cuts src before each line that starts a document ("---"
// followed by a space, a tab or the end of the line), so that a load that
// keeps a few kinds can parse only the documents whose text names one of
// them (parseSelected). It refuses (ok false) a file where a document can
// depend on another's text or where yaml.v3 counts lines differently than
// by "\n": anchors ("&"), which yaml.v3 lets a later document's alias
// reach; directives (a line starting with "%"), which shape the document
// after them; and the line breaks other than "\n" (CR, NEL, LS, PS).
func splitDocuments(src []byte) (chunks []docChunk, ok bool) {
	if refusesSplit(src) {
		return nil, false
	}
	start, startLine, line := 0, 1, 1
	for i := 0; i < len(src); {
		next := bytes.IndexByte(src[i:], '\n')
		if next < 0 {
			next = len(src)
		} else {
			next += i + 1
		}
		if i > 0 && startsDocument(src[i:next]) {
			chunks = append(chunks, docChunk{text: src[start:i], line: startLine})
			start, startLine = i, line
		}
		i = next
		line++
	}
	return append(chunks, docChunk{text: src[start:], line: startLine}), true
}

// refusesSplit reports whether src holds an anchor, a directive or a line
// break other than "\n" (splitDocuments). Every file of a scan's first
// read passes here, so each is looked for by a search for one byte, which
// runs through text many bytes at a time: ContainsAny with runes beyond
// ASCII decodes the text rune by rune, several times slower. The breaks
// beyond ASCII are looked for by their UTF-8 bytes, which are there
// wherever the rune is, so it refuses no fewer files.
func refusesSplit(src []byte) bool {
	if bytes.IndexByte(src, '&') >= 0 || bytes.IndexByte(src, '\r') >= 0 {
		return true
	}
	for i := 0; ; {
		at := bytes.IndexByte(src[i:], '%')
		if at < 0 {
			break
		}
		if i += at; i == 0 || src[i-1] == '\n' {
			return true
		}
		i++
	}
	for _, brk := range []string{"\u0085", "\u2028", "\u2029"} {
		if bytes.Contains(src, []byte(brk)) {
			return true
		}
	}
	return false
}

// startsDocument reports whether a line is a document start marker, which
// yaml.v3 reads as one wherever it stands: in the middle of a scalar or a
// collection it ends the document, or the file with a syntax error.
func startsDocument(line []byte) bool {
	return bytes.HasPrefix(line, []byte("---")) && isMarker(line)
}
