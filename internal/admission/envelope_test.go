package admission

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	kjson "sigs.k8s.io/json"
)

func TestScanEnvelope(t *testing.T) {
	const obj = `{"kind":"Pod","metadata":{"name":"a\"b"},"spec":[1,-2.5e3,true,false,null,"\u00e9\n"]}`
	tests := []struct {
		name string
		body string
		ok   bool
		// object and oldObject are the texts the spans must hold.
		object, oldObject string
	}{
		{name: "a review", body: `{"kind":"AdmissionReview","request":{"uid":"u","object":` + obj + `}}`, ok: true, object: obj},
		{name: "both objects, spaced", body: " {\"request\" : {\"oldObject\" :\t{\"a\":1} , \"object\":" + obj + "}}\n", ok: true, object: obj, oldObject: `{"a":1}`},
		{name: "an object that is a string", body: `{"request":{"object":"text"}}`, ok: true, object: `"text"`},
		{name: "no request", body: `{"kind":"AdmissionReview"}`, ok: true},
		{name: "object elsewhere is not the request's", body: `{"response":{"object":{}},"request":[{"object":{}}]}`, ok: true},
		{name: "empty containers", body: `{"request":{"object":{},"x":[]}}`, ok: true, object: `{}`},
		{name: "array at the top", body: `[1,2,3]`, ok: true},
		{name: "empty", body: ``},
		{name: "truncated", body: `{"request":{"object":{"a":"b`},
		{name: "trailing garbage", body: `{"request":{}} x`},
		{name: "two values", body: `{} {}`},
		{name: "trailing comma", body: `{"a":1,}`},
		{name: "mismatched close", body: `{"a":[1}`},
		{name: "empty mismatched", body: `{]`},
		{name: "leading zero", body: `{"a":01}`},
		{name: "bare minus", body: `{"a":-}`},
		{name: "no digits after point", body: `{"a":1.}`},
		{name: "control character in a string", body: "{\"a\":\"x\ty\"}"},
		{name: "unknown escape", body: `{"a":"\x"}`},
		{name: "short unicode escape", body: `{"a":"\u12"}`},
		{name: "unquoted key", body: `{a:1}`},
		{name: "misspelt literal", body: `{"a":nul}`},
		{name: "request twice", body: `{"request":{"object":{}},"request":{"object":{}}}`},
		{name: "object twice", body: `{"request":{"object":{},"object":{"a":1}}}`},
		{name: "oldObject twice", body: `{"request":{"oldObject":{},"oldObject":{"a":1}}}`},
		{name: "escaped key on the path", body: `{"request":{"\u006fbject":{}}}`},
		{name: "too deep", body: `{"request":{"object":{"a":` + strings.Repeat("[", maxScanDepth) + strings.Repeat("]", maxScanDepth) + `}}}`},
		{name: "deep but within", body: `{"request":{"object":{"a":` + strings.Repeat("[", maxScanDepth-4) + strings.Repeat("]", maxScanDepth-4) + `}}}`, ok: true,
			object: `{"a":` + strings.Repeat("[", maxScanDepth-4) + strings.Repeat("]", maxScanDepth-4) + `}`},
		{name: "invalid UTF-8, which encoding/json accepts", body: "{\"request\":{\"object\":{\"a\":\"\xff\xfe\"}}}", ok: true, object: "{\"a\":\"\xff\xfe\"}"},
		{name: "long string with a late quote", body: `{"request":{"object":{"a":"` + strings.Repeat("x", 1000) + `\"` + strings.Repeat("y", 13) + `"}}}`, ok: true,
			object: `{"a":"` + strings.Repeat("x", 1000) + `\"` + strings.Repeat("y", 13) + `"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, ok := scanEnvelope([]byte(tt.body))
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if ok && !json.Valid([]byte(tt.body)) {
				t.Fatalf("scanEnvelope vouches for a body encoding/json refuses")
			}
			if got := tt.body[env.object.start:env.object.end]; got != tt.object {
				t.Errorf("object %q, want %q", got, tt.object)
			}
			if got := tt.body[env.oldObject.start:env.oldObject.end]; got != tt.oldObject {
				t.Errorf("oldObject %q, want %q", got, tt.oldObject)
			}
		})
	}
}

// FuzzScanEnvelope holds scanEnvelope to encoding/json: it vouches only for
// bodies encoding/json accepts, refuses a valid one only for the reasons it
// documents, and its spans are the bytes controller-runtime's decoding puts
// in the request's objects.
func FuzzScanEnvelope(f *testing.F) {
	for _, s := range []string{
		`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","object":{"a":[1,2.5,"x"]},"oldObject":{"b":null}}}`,
		`{"request":{"object":"s"}}`, `[{"request":1}]`, `{"a":"\u00e9\\\"","b":-0.1e+5}`, "{\"a\":\"\xff\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		env, ok := scanEnvelope(body)
		valid := json.Valid(body)
		switch {
		case ok && !valid:
			t.Fatalf("vouches for a body encoding/json refuses: %q", body)
		case !ok && valid && !bytes.Contains(body, []byte("request")) && !bytes.Contains(body, []byte(`\`)) && depth(body) < maxScanDepth:
			t.Fatalf("refuses a valid body with none of its reasons: %q", body)
		case !ok:
			return
		}
		var review admissionv1.AdmissionReview
		if kjson.UnmarshalCaseSensitivePreserveInts(body, &review) != nil || review.Request == nil {
			return
		}
		for _, c := range []struct {
			name string
			s    span
			raw  []byte
		}{{"object", env.object, review.Request.Object.Raw}, {"oldObject", env.oldObject, review.Request.OldObject.Raw}} {
			if got := c.s.of(body); got != nil && !bytes.Equal(got, c.raw) {
				t.Fatalf("%s span %q, decoded %q", c.name, got, c.raw)
			}
		}
	})
}

// depth is how deep brackets nest in b, counting those in strings too: an
// upper bound.
func depth(b []byte) int {
	d, most := 0, 0
	for _, c := range b {
		switch c {
		case '{', '[':
			d++
			most = max(most, d)
		case '}', ']':
			d--
		}
	}
	return most
}
