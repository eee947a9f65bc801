//go:build unix

package admission

// The soak's request classes through controller-runtime's webhook, as the
// binary serves them but without TLS and the network, so that a CPU profile
// shows where each class spends its time:
//
//	go test ./internal/admission -run '^$' -bench ServeClasses -benchmem -cpuprofile cpu.out
//
// Each class runs on the real handler and on a handler that allows
// everything (the floor: what reading, decoding and encoding the
// AdmissionReview cost before any judging), each served as the binary
// serves it (Serve) and by controller-runtime's webhook alone (plain), the
// reading Serve improves on. cpu-ns/op is the process's CPU time per
// request (the collector's included), which other load on the machine
// disturbs less than ns/op.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
)

// classBody is one class of the soak's requests and the HTTP code its
// answer must carry (controller-runtime answers 200 even to a request it
// refuses, with the code in the AdmissionReview).
type classBody struct {
	name string
	body []byte
	code int
}

func soakClasses(b *testing.B) []classBody {
	b.Helper()
	mix := loadMix(b)
	huge := fmt.Appendf(nil, `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"huge","kind":{"group":"","version":"v1","kind":"ConfigMap"},"resource":{"group":"","version":"v1","resource":"configmaps"},"namespace":"soak","operation":"CREATE","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"huge","annotations":{"soak/huge":%q}},"data":{"a":"b"}}}}`,
		strings.Repeat("x", 3<<20))
	deep := fmt.Appendf(nil, `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"deep","kind":{"group":"","version":"v1","kind":"ConfigMap"},"resource":{"group":"","version":"v1","resource":"configmaps"},"namespace":"soak","operation":"CREATE","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"data":{"a":%s%s}}}}`,
		strings.Repeat("[", 20000), strings.Repeat("]", 20000))
	// The compliant Deployment with a 3 MiB annotation: a kind the rules
	// judge, so its object is read, converted and judged.
	hugeDeployment := bytes.Replace(mix[0].body, []byte(`"labels":{`), fmt.Appendf(nil, `"annotations":{"soak/huge":%q},"labels":{`, strings.Repeat("x", 3<<20)), 1)
	if len(hugeDeployment) == len(mix[0].body) {
		b.Fatal("the compliant Deployment has no labels to put the annotation beside")
	}
	return []classBody{
		{name: "compliant", body: mix[0].body, code: http.StatusOK},
		{name: "3MiB-Deployment", body: hugeDeployment, code: http.StatusOK},
		{name: "violations", body: mix[1].body, code: http.StatusOK},
		{name: "3MiB", body: huge, code: http.StatusOK},
		{name: "deep-nesting", body: deep, code: http.StatusOK},
		{name: "truncated", body: mix[1].body[:len(mix[1].body)/2], code: http.StatusOK},
	}
}

func BenchmarkServeClasses(b *testing.B) {
	log := zap.New(zap.WriteTo(io.Discard))
	ctrllog.SetLogger(log)
	handlers := []struct {
		name    string
		handler admission.Handler
	}{
		{"validate", loadHandler(b, log)},
		{"noop", admission.HandlerFunc(func(context.Context, admission.Request) admission.Response { return admission.Allowed("") })},
	}
	for _, class := range soakClasses(b) {
		for _, h := range handlers {
			fronts := []struct {
				name    string
				handler http.Handler
			}{
				{"serve", Serve(h.handler)},
				{"plain", (&admission.Webhook{Handler: h.handler}).WithRecoverPanic(true)},
			}
			for _, f := range fronts {
				b.Run(class.name+"/"+h.name+"/"+f.name, func(b *testing.B) {
					b.SetBytes(int64(len(class.body)))
					b.ReportAllocs()
					cpu := cpuTime(b)
					for b.Loop() {
						req := httptest.NewRequest(http.MethodPost, "/validate", bytes.NewReader(class.body))
						req.Header.Set("Content-Type", "application/json")
						rec := httptest.NewRecorder()
						f.handler.ServeHTTP(rec, req)
						if rec.Code != class.code {
							b.Fatalf("HTTP %d, want %d: %.200s", rec.Code, class.code, rec.Body.String())
						}
					}
					b.ReportMetric(float64(cpuTime(b)-cpu)/float64(b.N), "cpu-ns/op")
				})
			}
		}
	}
}
