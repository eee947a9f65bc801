package audit

import (
	"slices"
	"testing"
	"time"
)

// TestRunExemptionExpiry: an exemption annotation past its expiry date
// suppresses nothing in an audit and is itself a finding (EXM003), as in
// lint and the webhook; before that day it exempts.
func TestRunExemptionExpiry(t *testing.T) {
	const docs = `
apiVersion: v1
kind: Namespace
metadata: {name: shop-prod}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop-prod
  uid: d1
  annotations:
    slotcheck.slotwise.com/exempt-IMG001: "vendor image, SLOT-9"
    slotcheck.slotwise.com/exempt-IMG001-expires: "2026-12-31"
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: "nginx:latest"}]
`
	for _, tc := range []struct {
		now        time.Time
		suppressed bool
	}{
		{now: time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC), suppressed: true},
		{now: time.Date(2027, 1, 1, 1, 0, 0, 0, time.UTC)},
	} {
		rep := newFakeAPI(t, docs).audit(t, Options{Now: tc.now})
		var suppressed bool
		for f := range rep.All() {
			if f.Rule.ID == "IMG001" {
				suppressed = f.Suppressed
			}
		}
		if got := slices.Contains(ids(rep, "shop-prod/Deployment/web"), "EXM003"); suppressed != tc.suppressed || got == tc.suppressed {
			t.Errorf("on %s: IMG001 suppressed %v, EXM003 reported %v; want suppressed %v", tc.now.Format(time.DateOnly), suppressed, got, tc.suppressed)
		}
	}
}
