package admission

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
)

// TestHTTPAnswersEverything posts what no API server would send: every
// request still gets a well-formed AdmissionReview, and nothing panics.
func TestHTTPAnswersEverything(t *testing.T) {
	h, _ := newHandler(t, &cluster{}, Config{})
	hook := Serve(h)
	valid := `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u1","kind":{"kind":"Pod"},"resource":{"resource":"pods"},"namespace":"shop","operation":"CREATE","object":` + string(fixture(t, "testdata/examples/inputs/pod.json", 0)) + `}}`
	tests := []struct {
		name        string
		body        []byte
		contentType string
		allowed     bool
		code        int32
	}{
		{"empty body", nil, "application/json", false, http.StatusBadRequest},
		{"garbage", []byte("\x00\x01 not json"), "application/json", false, http.StatusBadRequest},
		{"JSON that is no review", []byte(`[1,2,3]`), "application/json", false, http.StatusBadRequest},
		{"review without a request", []byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}`), "application/json", false, http.StatusBadRequest},
		{"object that is not an object", []byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u2","resource":{"resource":"pods"},"operation":"CREATE","object":"text"}}`), "application/json", false, http.StatusBadRequest},
		{"oversized", bytes.Repeat([]byte("x"), 8<<20), "application/json", false, http.StatusRequestEntityTooLarge},
		{"wrong content type", []byte(valid), "text/plain", false, http.StatusBadRequest},
		{"a real review", []byte(valid), "application/json", false, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/validate", bytes.NewReader(tt.body))
			if tt.body == nil {
				req = httptest.NewRequest(http.MethodPost, "/validate", http.NoBody)
			}
			req.Header.Set("Content-Type", tt.contentType)
			rec := httptest.NewRecorder()
			hook.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				t.Fatalf("HTTP %d, want 200 with the verdict inside", rec.Code)
			}
			var review admissionv1.AdmissionReview
			if err := json.Unmarshal(rec.Body.Bytes(), &review); err != nil || review.Response == nil {
				t.Fatalf("not an AdmissionReview: %v %.200s", err, rec.Body.String())
			}
			if review.Response.Allowed != tt.allowed {
				t.Errorf("allowed %v: %+v", review.Response.Allowed, review.Response.Result)
			}
			if tt.code != 0 && (review.Response.Result == nil || review.Response.Result.Code != tt.code) {
				t.Errorf("result %+v, want code %d", review.Response.Result, tt.code)
			}
			if tt.name == "a real review" && !strings.Contains(review.Response.Result.Message, "[SEC006]") {
				t.Errorf("denial lacks its rule: %s", review.Response.Result.Message)
			}
		})
	}
}
