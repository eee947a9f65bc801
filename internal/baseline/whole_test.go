package baseline

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// wholeReport is a JSON report as decoded whole by json.Unmarshal: the
// reference the streaming reader is held to (FuzzDecodeAsWhole).
type wholeReport struct {
	Findings *[]fileFinding `json:"findings"`
	Summary  *struct{}      `json:"summary"`
}

// decodeWhole reads a baseline as one json.Unmarshal of the report does:
// it holds the whole report in memory, which is what the streaming reader
// avoids, and accepts the same reports.
func decodeWhole(data []byte) (n int, syntax *json.SyntaxError, err error) {
	var rep wholeReport
	if err := json.Unmarshal(data, &rep); err != nil {
		errors.As(err, &syntax)
		return 0, syntax, err
	}
	if rep.Findings == nil || rep.Summary == nil {
		return 0, nil, errNotReport
	}
	for i, f := range *rep.Findings {
		if _, ok := parseKey(f.Fingerprint); f.ID == "" || !ok {
			return 0, nil, &findingError{n: i + 1}
		}
		if !f.Suppressed || f.Baselined {
			n++
		}
	}
	return n, nil, nil
}

// FuzzDecodeAsWhole holds the streaming reader to json.Unmarshal of the
// whole report: it accepts no report the whole decoding refuses, holds as
// many findings as it does from one it accepts, and places a broken
// report's first syntax error where the whole decoding does. It refuses a
// key given twice, which json.Unmarshal lets the last one win.
func FuzzDecodeAsWhole(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Decode("base.json", data)
		n, syntax, wholeErr := decodeWhole(data)
		switch {
		case err == nil && wholeErr != nil:
			t.Fatalf("streaming reader accepts what json.Unmarshal refuses: %v", wholeErr)
		case err != nil && wholeErr == nil && !strings.Contains(err.Error(), "given twice"):
			t.Fatalf("streaming reader refuses what json.Unmarshal accepts: %v", err)
		case err == nil && b.Len() != n:
			t.Fatalf("streaming reader holds %d findings, json.Unmarshal %d", b.Len(), n)
		case syntax != nil && isSyntax(err):
			want := wholeLocated(data, syntax)
			if got := lineColumn.FindString(err.Error()); got != want {
				t.Fatalf("streaming reader: %v\njson.Unmarshal: %s: %v", err, want, syntax)
			}
		}
	})
}

// isSyntax says whether err is a JSON syntax error the reader located.
func isSyntax(err error) bool {
	var syntax *json.SyntaxError
	return errors.As(err, &syntax) || errors.Is(err, errTruncated)
}

// wholeLocated places an error of json.Unmarshal of data at its line and
// column, as the reader places its own: the offset just past the byte
// that was wrong.
func wholeLocated(data []byte, syntax *json.SyntaxError) string {
	before := data[:max(0, min(int(syntax.Offset)-1, len(data)))]
	line := bytes.Count(before, []byte("\n")) + 1
	column := len(before) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("line %d, column %d", line, column)
}
