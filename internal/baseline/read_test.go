package baseline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	fpA = "0123456789abcdef0123456789abcdef"
	fpB = "fedcba9876543210fedcba9876543210"
)

func TestDecode(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		wantLen int
		// wantErr is a part of the error; empty when none is expected.
		wantErr string
	}{
		{name: "empty report", data: `{"findings": [], "errors": [], "summary": {}}`},
		{name: "findings counted with multiplicity", data: `{"findings": [{"id": "A", "fingerprint": "` + fpA + `"}, {"id": "A", "fingerprint": "` + fpA + `"}, {"id": "B", "fingerprint": "` + fpB + `"}], "summary": {}}`, wantLen: 3},
		{name: "an exempted finding is not held", data: `{"findings": [{"id": "A", "suppressed": true, "fingerprint": "` + fpA + `"}], "summary": {}}`, wantLen: 0},
		{name: "a baselined finding is held again", data: `{"findings": [{"id": "A", "suppressed": true, "baselined": true, "fingerprint": "` + fpA + `"}], "summary": {}}`, wantLen: 1},
		{name: "keys of a newer report are ignored", data: `{"version": 2, "findings": [{"id": "A", "fingerprint": "` + fpA + `", "owner": "team"}], "summary": {"new": 1}}`, wantLen: 1},
		{name: "not JSON", data: "# notes\n", wantErr: "not a slotcheck JSON report: line 1, column 1"},
		{name: "truncated", data: "{\n  \"findings\": [\n", wantErr: "line 2, column 16: unexpected end of JSON input"},
		{name: "wrong type at its line", data: "{\n  \"findings\": {}\n}", wantErr: "line 2, column"},
		{name: "another JSON document", data: `{"runs": []}`, wantErr: "not a slotcheck JSON report (slotcheck --format json)"},
		{name: "SARIF log", data: `{"version": "2.1.0", "runs": [{"results": []}]}`, wantErr: "base.json: not a slotcheck JSON report (slotcheck --format json): no findings and summary"},
		{name: "report without fingerprints", data: `{"findings": [{"id": "A"}], "summary": {}}`, wantErr: "finding 1: no rule id or fingerprint"},
		{name: "malformed fingerprint", data: `{"findings": [{"id": "A", "fingerprint": "xyz"}], "summary": {}}`, wantErr: "finding 1"},
		{name: "a bad finding at its closing brace", data: "{\"findings\": [\n{\"id\": \"A\", \"fingerprint\": \"" + fpA + "\"},\n{\"id\": \"B\",\n \"fingerprint\": \"\"}\n], \"summary\": {}}", wantErr: "line 4, column 19: finding 2: no rule id or fingerprint"},
		{name: "wrong type inside a later finding", data: "{\"findings\": [\n{\"id\": \"A\", \"fingerprint\": \"" + fpA + "\"},\n{\"id\": \"B\", \"suppressed\": \"no\"}\n], \"summary\": {}}", wantErr: "line 3, column 30: json: cannot unmarshal string"},
		{name: "syntax error inside a later finding", data: "{\"findings\": [\n{\"id\": \"A\", \"fingerprint\": \"" + fpA + "\"},\n{\"id\": \"B\", \"suppressed\": tru}\n], \"summary\": {}}", wantErr: "line 3, column 30: invalid character '}' in literal true"},
		{name: "missing comma between findings", data: "{\"findings\": [\n{\"id\": \"A\", \"fingerprint\": \"" + fpA + "\"}\n{\"id\": \"B\"}\n], \"summary\": {}}", wantErr: "line 3, column 1: "},
		{name: "findings given twice", data: `{"findings": [], "findings": [], "summary": {}}`, wantErr: "line 1, column 27: findings given twice"},
		{name: "data after the report", data: "{\"findings\": [], \"summary\": {}}\n{}", wantErr: "line 2, column 1: invalid data after the report"},
		{name: "a string where the summary is", data: `{"findings": [], "summary": "none"}`, wantErr: "line 1, column 34: json: cannot unmarshal string"},
		{name: "unknown keys' values are still JSON", data: `{"findings": [], "summary": {}, "new": [1, tru]}`, wantErr: "line 1, column 47: invalid character ']' in literal true"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Decode("base.json", []byte(tt.data))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.HasPrefix(err.Error(), "base.json: ") {
					t.Fatalf("error %v, want one naming base.json and containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if b.Len() != tt.wantLen {
				t.Errorf("%d findings held, want %d", b.Len(), tt.wantLen)
			}
		})
	}
}

func TestReadNamesTheFile(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "baseline.json")
	if _, err := Read(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Fatalf("error %v, want one naming %s", err, missing)
	}
	if err := os.WriteFile(missing, []byte(`{"findings": [], "summary": {}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := Read(missing); err != nil || b.File != missing {
		t.Fatalf("Read: %v, %v", b, err)
	}
}
