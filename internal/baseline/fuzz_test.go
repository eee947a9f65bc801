package baseline

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// lineColumn is where located says a JSON error is.
var lineColumn = regexp.MustCompile(`line (\d+), column (\d+)`)

// FuzzDecode feeds arbitrary bytes to the baseline reader, seeded from the
// JSON reports the golden tests hold and the baseline fixture. Properties:
// no panic; an error names the file and places a JSON error inside it; a
// baseline holds no more findings than the report lists.
func FuzzDecode(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		const file = "base.json"
		b, err := Decode(file, data)
		if err != nil {
			checkError(t, err, data, file)
			return
		}
		if b.File != file {
			t.Errorf("baseline names %q, want %q", b.File, file)
		}
		if n := strings.Count(string(data), `"fingerprint"`); b.Len() > n {
			t.Errorf("baseline holds %d findings from a report with %d fingerprints", b.Len(), n)
		}
	})
}

// addSeeds seeds f with the JSON reports the golden tests hold, the
// baseline fixture, and reports broken where the streaming reader reads
// a token, a finding or a skipped value.
func addSeeds(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("..", "..", "testdata", "golden", "*json.golden"))
	if err != nil {
		f.Fatal(err)
	}
	seeds = append(seeds, filepath.Join("..", "..", "testdata", "baseline", "baseline.json"))
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"findings": [], "summary": {}}`))
	f.Add([]byte(`{"findings": [{"id": "SEC001", "fingerprint": "0123456789abcdef0123456789abcdef"}], "summary": {}}`))
	for _, s := range []string{
		`{"findings": [{"id": "A", "fingerprint": "0123456789abcdef0123456789abcdef"}, {"id": 5}], "summary": {}}`,
		"{\n\"findings\": [\n {\"id\": \"A\"}\n {\"id\": \"B\"}\n], \"summary\": {}}",
		`{"findings": [{"id": "A", "fingerprint": "0123456789abcdef0123456789abcdef", "suppressed": tru}], "summary": {}}`,
		`{"version": [1, {"a": "\q"}], "findings": [], "summary": {"errors": 0}}`,
		`{"findings": [], "findings": [], "summary": {}}`,
		`{"findings": [], "summary": {}} {}`,
		`{"findings": null, "summary": []}`,
		`{"findings": [], "summary": {}`,
		`[]`,
		``,
	} {
		f.Add([]byte(s))
	}
}

// checkError holds a decoding error to naming the file and, when it gives
// a line and column, to a place inside data.
func checkError(t *testing.T, err error, data []byte, file string) {
	t.Helper()
	msg := err.Error()
	if !strings.HasPrefix(msg, file+": ") {
		t.Fatalf("error does not name the file: %s", msg)
	}
	m := lineColumn.FindStringSubmatch(msg)
	if m == nil {
		return
	}
	line, _ := strconv.Atoi(m[1])
	col, _ := strconv.Atoi(m[2])
	lines := strings.Split(string(data), "\n")
	if line < 1 || line > len(lines) || col < 1 || col > len(lines[line-1])+1 {
		t.Fatalf("error at line %d, column %d, outside the %d lines of the file: %s", line, col, len(lines), msg)
	}
}
