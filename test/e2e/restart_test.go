//go:build e2e

package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
)

// TestRestart: with the API server restarted (etcd kept), the webhook
// reports not ready until its informers watch again, then ready, and
// serves denials again. It has a control plane of its own, so that the
// restart disturbs no other scenario:
//
//	KUBEBUILDER_ASSETS=$(./scripts/envtest-assets) go test -count=1 -tags e2e -run TestRestart ./test/e2e/
func TestRestart(t *testing.T) {
	s := newSuiteWith(t, func(env *envtest.Environment) {
		// A certificate folder of the test's own: for an API server whose
		// folder it made, envtest makes a new folder, with a new serving
		// CA, at each start, and every client of the first start (the
		// webhook's informers among them) would refuse the second.
		api := env.ControlPlane.GetAPIServer()
		api.CertDir = t.TempDir()
		// Without it kube-apiserver leaves open watches to end by
		// themselves and waits for them up to its request timeout (a
		// minute), as long as envtest waits for it to stop.
		api.Configure().Set("shutdown-watch-termination-grace-period", "5s")
	})
	const ns = "e2e-restart"
	s.namespace(t, ns, nil)
	ready := s.webhookReady(t)
	if err := probe(t.Context(), ready); err != nil {
		t.Fatalf("not ready before the restart: %v", err)
	}
	mustDeny(t, s.create(t, noncompliantPod(ns)), "SEC001", "IMG001")

	api := s.env.ControlPlane.APIServer
	addr := api.SecureServing.HostPort()
	if err := api.Stop(); err != nil {
		t.Fatalf("stop kube-apiserver: %v", err)
	}
	var why string
	eventually(t, "the webhook not ready with kube-apiserver stopped", func(ctx context.Context) (bool, error) {
		err := probe(ctx, ready)
		if err != nil {
			why = err.Error()
		}
		return err != nil, nil
	})
	t.Logf("kube-apiserver stopped; readiness: %s", why)
	// The namespaces' informer is the one every webhook has.
	if !strings.Contains(why, "namespaces: ") {
		t.Errorf("the readiness error does not name the namespaces' informer: %s", why)
	}

	// Start waits for the API server's own /healthz.
	if err := api.Start(); err != nil {
		t.Fatalf("start kube-apiserver again: %v", err)
	}
	up := time.Now()
	if got := api.SecureServing.HostPort(); got != addr {
		t.Fatalf("kube-apiserver restarted on %s, not on %s where its clients look", got, addr)
	}
	// Each informer's reflector retries a refused watch after a backoff
	// that grows with the time the API server was away, up to 30 s
	// jittered to 60 s, and resets only after two quiet minutes: on a
	// loaded machine, where stopping and starting kube-apiserver takes
	// long, the suite's timeout could pass before the last informer tries
	// again. This wait allows for two such pauses.
	const readyAgain = 3 * time.Minute
	if err := wait.PollUntilContextTimeout(t.Context(), interval, readyAgain, true, func(ctx context.Context) (bool, error) {
		return probe(ctx, ready) == nil, nil
	}); err != nil {
		t.Fatalf("the webhook ready again after the restart: not within %s: %v; readiness: %v", readyAgain, err, probe(t.Context(), ready))
	}
	t.Logf("the webhook ready again %s after kube-apiserver", time.Since(up).Round(time.Millisecond))

	// The informers watch again: a namespace created after the restart
	// reaches the webhook's cache (s.namespace waits for it) ...
	const after = "e2e-restart-after"
	s.namespace(t, after, nil)
	// ... and the webhook judges again. The API server's first requests
	// may be refused while its own admission chain warms up, with errors
	// that are not the webhook's; a creation it lets through fails the
	// test at once.
	eventually(t, "a denial by the webhook after the restart", func(context.Context) (bool, error) {
		r := s.create(t, noncompliantPod(after))
		if r.err == nil {
			t.Fatalf("a noncompliant Pod was created after the restart; %s", r)
		}
		if !strings.Contains(r.err.Error(), deniedBy) {
			t.Logf("not yet judged: %v", r.err)
			return false, nil
		}
		mustDeny(t, r, "SEC001", "IMG001")
		return true, nil
	})
}

// probe asks ready as the kubelet would ask /readyz/caches.
func probe(ctx context.Context, ready healthz.Checker) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "/readyz/caches", nil)
	if err != nil {
		return err
	}
	return ready(req)
}
