//go:build unix

package admission

import (
	"encoding/json"
	"io"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
)

// BenchmarkHandleMix is the handler alone on the load benchmark's request
// mix, without TLS, HTTP or the AdmissionReview codec: what judging one
// review costs, for profiling the part of BenchmarkWebhookLoad that is
// slotcheck's own.
func BenchmarkHandleMix(b *testing.B) {
	log := zap.New(zap.UseDevMode(false), zap.WriteTo(io.Discard), zap.JSONEncoder())
	ctrllog.SetLogger(log)
	h := loadHandler(b, log)
	mix := loadMix(b)
	reqs := make([]admission.Request, len(mix))
	for i, c := range mix {
		var review admissionv1.AdmissionReview
		if err := json.Unmarshal(c.body, &review); err != nil {
			b.Fatal(err)
		}
		reqs[i] = admission.Request{AdmissionRequest: *review.Request}
	}
	b.ReportAllocs()
	n := 0
	startCPU := cpuTime(b)
	for b.Loop() {
		i := n % len(mix)
		n++
		if resp := h.Handle(b.Context(), reqs[i]); resp.Allowed != mix[i].allowed {
			b.Fatalf("%s: allowed %v, want %v: %v", mix[i].name, resp.Allowed, mix[i].allowed, resp.Result)
		}
	}
	// CPU time, which other load on the machine disturbs less than ns/op.
	b.ReportMetric(float64(cpuTime(b)-startCPU)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}
