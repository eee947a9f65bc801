package admission

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-logr/logr/funcr"
	admissionv1 "k8s.io/api/admission/v1"
	"sigs.k8s.io/controller-runtime/pkg/webhook"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/slotwise/slotcheck/internal/source"
)

// httpAnswer is what an HTTP handler answered one request.
type httpAnswer struct {
	code int
	body string
}

func post(h http.Handler, body []byte, contentType string) httpAnswer {
	req := httptest.NewRequest(http.MethodPost, "/validate", bytes.NewReader(body))
	if body == nil {
		req = httptest.NewRequest(http.MethodPost, "/validate", http.NoBody)
	}
	req.Header.Set("Content-Type", contentType)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return httpAnswer{rec.Code, rec.Body.String()}
}

// frontBodies are requests of every shape Serve treats apart: objects it
// cuts out, objects it leaves (a string, null), bodies it does not vouch
// for (garbage, duplicate keys, too deep), and an UPDATE with both objects.
func frontBodies(t testing.TB) map[string][]byte {
	pod := string(fixture(t.(*testing.T), "testdata/examples/inputs/pod.json", 0))
	review := func(request string) []byte {
		return []byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u1","kind":{"kind":"Pod"},"resource":{"resource":"pods"},"namespace":"shop",` + request + `}}`)
	}
	configMap := func(value string) []byte {
		return fmt.Appendf(nil, `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u2","kind":{"kind":"ConfigMap"},"resource":{"resource":"configmaps"},"namespace":"shop","operation":"CREATE","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","annotations":{"big":%q}}}}}`, value)
	}
	return map[string][]byte{
		"create":                  review(`"operation":"CREATE","object":` + pod),
		"update":                  review(`"operation":"UPDATE","oldObject":` + pod + `,"object":` + strings.Replace(pod, `"shop"`, `"shop" `, 1)),
		"v1beta1":                 bytes.Replace(review(`"operation":"CREATE","object":`+pod), []byte("admission.k8s.io/v1"), []byte("admission.k8s.io/v1beta1"), 1),
		"a large ConfigMap":       configMap(strings.Repeat("x", 1<<20)),
		"object is a string":      review(`"operation":"CREATE","object":"text"`),
		"object is null":          review(`"operation":"CREATE","object":null`),
		"no object":               review(`"operation":"CREATE"`),
		"object twice":            review(`"operation":"CREATE","object":{"kind":"Pod"},"object":` + pod),
		"unknown fields":          review(`"operation":"CREATE","surplus":1,"object":` + pod),
		"truncated":               review(`"operation":"CREATE","object":` + pod)[:400],
		"deep":                    review(`"operation":"CREATE","object":{"a":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`),
		"wrong envelope":          []byte(`{"apiVersion":"v1","kind":"Pod","request":{"uid":"u3","object":` + pod + `}}`),
		"not JSON":                []byte("\x00\x01 not json"),
		"oversized":               bytes.Repeat([]byte("x"), 8<<20),
		"oversized but valid":     configMap(strings.Repeat("x", 8<<20)),
		"empty":                   nil,
		"request in an array":     []byte(`[{"request":{"object":{}}}]`),
		"control byte in object":  review("\"operation\":\"CREATE\",\"object\":{\"a\":\"\x01\"}"),
		"object with escaped key": review(`"operation":"CREATE","\u006fbject":` + pod),
		"keys in another case":    bytes.Replace(review(`"operation":"CREATE","Object":`+pod), []byte(`"request"`), []byte(`"Request"`), 1),
		"object in another case":  review(`"operation":"CREATE","Object":` + pod + `,"object":{"kind":"Pod"}`),
	}
}

// TestServeAnswersAsControllerRuntime holds Serve to its promise: every
// request gets, byte for byte, the answer controller-runtime's webhook
// alone gives it.
func TestServeAnswersAsControllerRuntime(t *testing.T) {
	h, _ := newHandler(t, &cluster{}, Config{})
	plain := (&webhook.Admission{Handler: h}).WithRecoverPanic(true)
	served := Serve(h)
	for name, body := range frontBodies(t) {
		t.Run(name, func(t *testing.T) {
			for _, contentType := range []string{"application/json", "text/plain"} {
				want, got := post(plain, body, contentType), post(served, body, contentType)
				if got != want {
					t.Errorf("%s: Serve answered HTTP %d %.300s\ncontroller-runtime HTTP %d %.300s", contentType, got.code, got.body, want.code, want.body)
				}
			}
		})
	}
}

// FuzzServe compares Serve with controller-runtime's webhook on arbitrary
// bodies, seeded with the examples' reviews.
func FuzzServe(f *testing.F) {
	root := repo(f)
	res := source.Load([]string{filepath.Join(root, "testdata", "examples")}, source.Options{WorkDir: root})
	for _, o := range res.Objects {
		if body, ok := reviewOf(f, o); ok {
			f.Add(body)
		}
	}
	h, _ := newHandler(f, &cluster{}, Config{})
	plain := (&webhook.Admission{Handler: h}).WithRecoverPanic(true)
	served := Serve(h)
	f.Fuzz(func(t *testing.T, body []byte) {
		if want, got := post(plain, body, "application/json"), post(served, body, "application/json"); got != want {
			t.Fatalf("Serve answered HTTP %d %.300s\ncontroller-runtime HTTP %d %.300s", got.code, got.body, want.code, want.body)
		}
	})
}

func TestRequestLogger(t *testing.T) {
	req := &admission.Request{AdmissionRequest: admissionv1.AdmissionRequest{UID: "u1", Name: "web", Namespace: "shop"}}
	tests := []struct {
		name      string
		verbosity int
		req       *admission.Request
		want      []string
		wantNot   []string
	}{
		{name: "no request", verbosity: 0, req: nil, wantNot: []string{"requestID"}},
		{name: "the UID only", verbosity: 0, req: req, want: []string{`"requestID"="u1"`}, wantNot: []string{"shop"}},
		{name: "everything at verbosity 5", verbosity: 5, req: req, want: []string{`"requestID"="u1"`, `"namespace"="shop"`, `"name"="web"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var line string
			base := funcr.New(func(prefix, args string) { line = args }, funcr.Options{Verbosity: tt.verbosity})
			requestLogger(base, tt.req).Info("x")
			for _, w := range tt.want {
				if !strings.Contains(line, w) {
					t.Errorf("%s lacks %s", line, w)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(line, w) {
					t.Errorf("%s has %s", line, w)
				}
			}
		})
	}
}
