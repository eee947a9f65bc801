package admission

import (
	"fmt"
	"strings"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
)

// BenchmarkHandleConfig is one review of a Deployment without a
// configuration (the floor), with an empty one, and with 20 exemptions
// (each selector, some matching, one about to expire, one expired), in
// config exemption mode.
func BenchmarkHandleConfig(b *testing.B) {
	engine := compile(b)
	obj := configObject(b, `"slotcheck.slotwise.com/exempt-SEC006": "team says fine"`)
	var exemptions strings.Builder
	exemptions.WriteString("version: 1\nexemptions:\n")
	selectors := []string{"", "kinds: [Deployment]", "namespaces: ['slot*']", "names: ['auth-*']", "containers: [auth-service]", "names: [nothing]", "expires: 2026-12-10", "expires: 2026-01-01", "paths: ['**']", "namespaces: ['legacy-*']"}
	ids := []string{"SEC006", "IMG002", "SEC001", "RES001"}
	for i := range 20 {
		fmt.Fprintf(&exemptions, "- rules: [%s]\n  reason: benchmark exemption %d\n", ids[i%len(ids)], i)
		if sel := selectors[i%len(selectors)]; sel != "" {
			exemptions.WriteString("  " + sel + "\n")
		}
	}
	for _, bc := range []struct {
		name, config string
		// allowed is the verdict the review must give.
		allowed bool
	}{
		// The annotation exempts SEC006; IMG002 denies.
		{name: "none"},
		// config mode: the annotation is ignored.
		{name: "empty", config: "version: 1\n"},
		// The file exempts SEC006 and IMG002.
		{name: "exemptions20", config: exemptions.String(), allowed: true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			h, _ := handlerWith(b, engine, &cluster{}, Config{Now: func() time.Time { return configToday }})
			if bc.config != "" {
				h = newConfigured(b, engine, bc.config, ExemptionsConfig, "production").h
			}
			req := request("Deployment", "deployments", "slotwise", admissionv1.Create, obj, nil)
			b.ReportAllocs()
			for b.Loop() {
				if resp := h.Handle(b.Context(), req); resp.Allowed != bc.allowed {
					b.Fatalf("allowed %v, want %v: %v", resp.Allowed, bc.allowed, resp.Result)
				}
			}
		})
	}
}
