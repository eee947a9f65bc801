package admission

import (
	"context"
	"strings"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
)

// TestReviewWaitsForASlot: with every slot taken, a review waits until its
// deadline and then fails closed, saying so; once a slot frees, reviews are
// judged again.
func TestReviewWaitsForASlot(t *testing.T) {
	h, _ := newHandler(t, &cluster{}, Config{Timeout: 20 * time.Millisecond})
	req := request("Deployment", "deployments", "slotwise", admissionv1.Create, fixture(t, compliant, 0), nil)
	for range cap(h.slots) {
		h.slots <- struct{}{}
	}
	resp := h.Handle(context.Background(), req)
	if resp.Allowed || resp.Result == nil || !strings.Contains(resp.Result.Message, "waiting to be judged: context deadline exceeded") {
		t.Fatalf("with every slot taken: allowed=%v %+v, want a denial naming the wait", resp.Allowed, resp.Result)
	}
	for range cap(h.slots) {
		h.slots.release()
	}
	h.cfg.Timeout = time.Minute
	if resp := h.Handle(context.Background(), req); !resp.Allowed {
		t.Fatalf("with the slots free: denied %+v", resp.Result)
	}
}
