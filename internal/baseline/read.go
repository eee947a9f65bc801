package baseline

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// fileFinding is the part of one finding of a JSON report (slotcheck
// --format json) a baseline reads. Keys it does not name are ignored: a
// report gains fields from release to release, and a report written by a
// newer slotcheck must still serve as the baseline of an older one. What
// it does name must have its type.
type fileFinding struct {
	ID          string `json:"id"`
	Suppressed  bool   `json:"suppressed"`
	Baselined   bool   `json:"baselined"`
	Fingerprint string `json:"fingerprint"`
}

// Read reads the baseline from a JSON report at path as a stream: a
// report of a large repository runs to hundreds of megabytes, and only
// each finding's fingerprint is kept of it.
func Read(path string) (*Baseline, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err // names the file already
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return decode(path, f, info.Size())
}

// Decode reads the baseline from a JSON report's bytes; file names it in
// errors and in the findings' reasons. A finding the report shows as
// exempted (suppressed, not baselined) is not part of the baseline: its
// exemption still covers it, and if the exemption goes the finding should
// be seen.
func Decode(file string, data []byte) (*Baseline, error) {
	return decode(file, bytes.NewReader(data), int64(len(data)))
}

// decode reads the report in src, size bytes long, a token or a finding
// at a time.
func decode(file string, src io.ReaderAt, size int64) (*Baseline, error) {
	// A json.Decoder reads only as much as its next value needs, a finding
	// at a time: bufio makes those reads of a file few.
	in := bufio.NewReaderSize(io.NewSectionReader(src, 0, size), 64<<10)
	r := &reader{dec: json.NewDecoder(in), src: src, size: size}
	b := &Baseline{File: file}
	if err := r.report(b); err != nil {
		var found *findingError
		if errors.As(err, &found) || errors.Is(err, errNotReport) {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		return nil, fmt.Errorf("%s: not a slotcheck JSON report: %w", file, err)
	}
	b.sortKeys()
	return b, nil
}

// findingError is a finding that is JSON, but not one a baseline can
// match by.
type findingError struct{ n int }

func (e *findingError) Error() string {
	return fmt.Sprintf("finding %d: no rule id or fingerprint (write the baseline again with this slotcheck: slotcheck lint --format json)", e.n)
}

// reader walks a JSON report with a json.Decoder. src, size bytes long,
// is the decoder's input again, read from the start of a value that did
// not decode to place the error (see located).
type reader struct {
	dec  *json.Decoder
	src  io.ReaderAt
	size int64
}

// report reads the report's top-level object into b: its findings, and
// that it has a summary.
func (r *reader) report(b *Baseline) error {
	t, err := r.token(0)
	if err != nil {
		return err
	}
	if t == nil {
		return errNotReport
	}
	if t != json.Delim('{') {
		return r.wrongType("the report", "an object", t)
	}
	var findings, summary bool
	for r.dec.More() {
		name, err := r.key()
		if err != nil {
			return err
		}
		switch {
		case strings.EqualFold(name, "findings"):
			if findings {
				return r.at(r.dec.InputOffset(), errors.New("findings given twice"))
			}
			findings, err = r.findings(b)
		case strings.EqualFold(name, "summary"):
			if summary {
				return r.at(r.dec.InputOffset(), errors.New("summary given twice"))
			}
			summary, err = r.summary()
		default:
			err = r.decode(new(skipped), ':')
		}
		if err != nil {
			return err
		}
	}
	if _, err := r.token(','); err != nil { // the closing brace
		return err
	}
	if err := r.end(); err != nil {
		return err
	}
	if !findings || !summary {
		return errNotReport
	}
	return nil
}

// errNotReport is JSON that is no report: another tool's, or a SARIF log.
var errNotReport = errors.New("not a slotcheck JSON report (slotcheck --format json): no findings and summary")

// findings reads the findings array into b; null reads as no findings key.
func (r *reader) findings(b *Baseline) (bool, error) {
	t, err := r.token(':')
	if err != nil || t == nil {
		return false, err
	}
	if t != json.Delim('[') {
		return false, r.wrongType("findings", "an array", t)
	}
	for n := 1; r.dec.More(); n++ {
		var f fileFinding
		if err := r.decode(&f, ','); err != nil {
			return false, err
		}
		k, ok := parseKey(f.Fingerprint)
		if f.ID == "" || !ok {
			return false, r.at(r.dec.InputOffset(), &findingError{n: n}) // at its closing brace
		}
		if !f.Suppressed || f.Baselined {
			b.keys = append(b.keys, k)
		}
	}
	_, err = r.token(',') // the closing bracket
	return err == nil, err
}

// summary checks that the summary is an object and skips it: a baseline
// counts findings itself. Null reads as no summary key.
func (r *reader) summary() (bool, error) {
	var summary *struct{}
	if err := r.decode(&summary, ':'); err != nil {
		return false, err
	}
	return summary != nil, nil
}

// skipped is a value of a key a baseline does not read: it is checked to
// be JSON and kept nowhere.
type skipped struct{}

// UnmarshalJSON keeps nothing of the value.
func (*skipped) UnmarshalJSON([]byte) error { return nil }

// end checks that nothing but white space follows the report.
func (r *reader) end() error {
	start := r.dec.InputOffset()
	_, err := r.dec.Token()
	switch {
	case err == io.EOF:
		return nil
	case err != nil:
		if offset, again := r.again(start, 0, new(any)); again != nil {
			return r.at(offset, again)
		}
		return r.at(start+1, err)
	}
	return r.at(r.dec.InputOffset(), errors.New("invalid data after the report"))
}

// token is the decoder's next token, with a located error; sep is the
// comma or colon before it (see located).
func (r *reader) token(sep byte) (json.Token, error) {
	start := r.dec.InputOffset()
	t, err := r.dec.Token()
	if err != nil {
		return nil, r.located(start, sep, new(any), err)
	}
	return t, nil
}

// key is the decoder's next token, an object's key, with a located error.
func (r *reader) key() (string, error) {
	start := r.dec.InputOffset()
	t, err := r.dec.Token()
	if err != nil {
		return "", r.locatedKey(start, err)
	}
	k, _ := t.(string)
	return k, nil
}

// decode decodes the decoder's next value into v, with a located error;
// sep is the comma or colon before it (see located).
func (r *reader) decode(v any, sep byte) error {
	start := r.dec.InputOffset()
	if err := r.dec.Decode(v); err != nil {
		return r.located(start, sep, v, err)
	}
	return nil
}

// wrongType is the error of the value just read as token t, which is not
// what a report holds there.
func (r *reader) wrongType(what, want string, t json.Token) error {
	got := "a value"
	switch t := t.(type) {
	case json.Delim:
		got = map[json.Delim]string{'{': "an object", '[': "an array"}[t]
	case string:
		got = "a string"
	case bool:
		got = "a boolean"
	case float64, json.Number:
		got = "a number"
	}
	return r.at(r.dec.InputOffset(), fmt.Errorf("%s is %s, want %s", what, got, want))
}
