package baseline

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

// fileReport is the part of a JSON report (slotcheck --format json) a
// baseline reads. Keys it does not name are ignored: a report gains
// fields from release to release, and a report written by a newer
// slotcheck must still serve as the baseline of an older one. What it
// does name must be there with its type, so that a file that is not a
// report is refused rather than read as an empty baseline.
type fileReport struct {
	Findings *[]fileFinding `json:"findings"`
	Summary  *struct{}      `json:"summary"`
}

// fileFinding is one finding of the report.
type fileFinding struct {
	ID          string `json:"id"`
	Suppressed  bool   `json:"suppressed"`
	Baselined   bool   `json:"baselined"`
	Fingerprint string `json:"fingerprint"`
}

// Read reads the baseline from a JSON report at path.
func Read(path string) (*Baseline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err // names the file already
	}
	return Decode(path, data)
}

// Decode reads the baseline from a JSON report's bytes; file names it in
// errors and in the findings' reasons. A finding the report shows as
// exempted (suppressed, not baselined) is not part of the baseline: its
// exemption still covers it, and if the exemption goes the finding should
// be seen.
func Decode(file string, data []byte) (*Baseline, error) {
	var rep fileReport
	if err := json.Unmarshal(data, &rep); err != nil {
		return nil, fmt.Errorf("%s: not a slotcheck JSON report: %w", file, located(data, err))
	}
	if rep.Findings == nil || rep.Summary == nil {
		return nil, fmt.Errorf("%s: not a slotcheck JSON report (slotcheck --format json): no findings and summary", file)
	}
	fps := make([]string, 0, len(*rep.Findings))
	for i, f := range *rep.Findings {
		if f.ID == "" || !isFingerprint(f.Fingerprint) {
			return nil, fmt.Errorf("%s: finding %d: no rule id or fingerprint (write the baseline again with this slotcheck: slotcheck lint --format json)", file, i+1)
		}
		if !f.Suppressed || f.Baselined {
			fps = append(fps, f.Fingerprint)
		}
	}
	return New(file, fps), nil
}

// isFingerprint says whether s has the shape of report.Fingerprint's
// result: 32 lowercase hexadecimal digits.
func isFingerprint(s string) bool {
	if len(s) != 32 {
		return false
	}
	for _, c := range []byte(s) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// located adds the line and column to a decoding error that knows its
// byte offset, the offset just past the byte that was wrong.
func located(data []byte, err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var offset int64
	switch {
	case errors.As(err, &syntax):
		offset = syntax.Offset
	case errors.As(err, &typ):
		offset = typ.Offset
	default:
		return err
	}
	before := data[:max(0, min(int(offset)-1, len(data)))]
	line := bytes.Count(before, []byte("\n")) + 1
	column := len(before) - bytes.LastIndexByte(before, '\n')
	return fmt.Errorf("line %d, column %d: %w", line, column, err)
}
