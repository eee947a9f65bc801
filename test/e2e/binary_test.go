//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// testBinary runs the real slotcheck-webhook binary against the suite's API
// server: its flags, its TLS server on --port, its probes and metrics, its
// privilege drop, its custom rules (--policy) and its graceful shutdown,
// which the in-process webhook of the other scenarios does not exercise.
func testBinary(t *testing.T, s *suite) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	// A folder any user can read: started as root, the binary reads its
	// kubeconfig (which only root may read) and then drops to an
	// unprivileged user before it reads its certificate.
	dir, err := os.MkdirTemp("", "slotcheck-webhook-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	for _, d := range []string{dir, filepath.Join(dir, "certs")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// Custom rules, which the binary loads with --policy once it runs
	// unprivileged: a copy any user can read.
	if err := os.CopyFS(filepath.Join(dir, "policies"), os.DirFS(filepath.Join(root, "testdata", "policies"))); err != nil {
		t.Fatal(err)
	}
	if err := filepath.WalkDir(filepath.Join(dir, "policies"), func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if d.IsDir() {
			mode = 0o755
		}
		return os.Chmod(p, mode)
	}); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "slotcheck-webhook")
	build := exec.Command("go", "build", "-o", bin, "./cmd/webhook")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	opts := s.env.WebhookInstallOptions
	for _, f := range []string{"tls.crt", "tls.key"} {
		b, err := os.ReadFile(filepath.Join(opts.LocalServingCertDir, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "certs", f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	user, err := s.env.AddUser(envtest.User{Name: "slotcheck-webhook", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	kubeconfig, err := user.KubeConfig()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "kubeconfig"), kubeconfig, 0o600); err != nil {
		t.Fatal(err)
	}
	port, health, metrics := freePort(t), freePort(t), freePort(t)
	var logs syncBuffer
	cmd := exec.Command(bin,
		"--kubeconfig", filepath.Join(dir, "kubeconfig"),
		"--cert-dir", filepath.Join(dir, "certs"),
		"--port", fmt.Sprint(port),
		"--health-probe-bind-address", fmt.Sprintf("127.0.0.1:%d", health),
		"--metrics-bind-address", fmt.Sprintf("127.0.0.1:%d", metrics),
		"--excluded-namespaces", "kube-system",
		"--policy", filepath.Join(dir, "policies"),
	)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	proc := startProcess(t, cmd)

	get := func(url string) (int, string) {
		resp, err := http.Get(url)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	eventually(t, "the binary ready on /readyz", func(context.Context) (bool, error) {
		select {
		case <-proc.exited:
			return false, fmt.Errorf("slotcheck-webhook exited: %v\n%s", proc.err, logs.String())
		default:
		}
		code, _ := get(fmt.Sprintf("http://127.0.0.1:%d/readyz", health))
		return code == http.StatusOK, nil
	})
	for _, p := range []string{"/health", "/healthz", "/ready"} {
		if code, body := get(fmt.Sprintf("http://127.0.0.1:%d%s", health, p)); code != http.StatusOK {
			t.Errorf("%s: %d %s", p, code, body)
		}
	}
	if os.Geteuid() == 0 {
		status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
		if err != nil || !strings.Contains(string(status), "Uid:\t65532\t65532\t65532\t65532") {
			t.Errorf("started as root, the webhook still runs as root:\n%s", status)
		}
	}

	// A review over TLS on --port, trusting only the serving CA.
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(opts.LocalServingCAData)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	pod := documents(t, "testdata/examples/inputs/pod.json")[0]
	review := fmt.Sprintf(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"bin-1","kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},"namespace":"default","operation":"CREATE","object":%s}}`, pod)
	resp, err := client.Post(fmt.Sprintf("https://%s/validate", net.JoinHostPort(opts.LocalServingHost, fmt.Sprint(port))), "application/json", bytes.NewBufferString(review))
	if err != nil {
		t.Fatalf("POST /validate: %v\n%s", err, logs.String())
	}
	var got admissionv1.AdmissionReview
	err = json.NewDecoder(resp.Body).Decode(&got)
	resp.Body.Close()
	if err != nil || got.Response == nil || got.Response.Allowed || !strings.Contains(got.Response.Result.Message, "[SEC006]") {
		t.Errorf("the binary did not deny the noncompliant Pod: %v %+v", err, got.Response)
	}
	if got.Response != nil && !strings.Contains(got.Response.Result.Message+strings.Join(got.Response.Warnings, "\n"), "[ACME001]") {
		t.Errorf("the binary did not judge with the custom rule ACME001 of --policy: %+v", got.Response)
	}
	if resp.TLS == nil || resp.TLS.Version < tls.VersionTLS12 {
		t.Errorf("TLS %+v", resp.TLS)
	}
	// The webhook serves TLS only: plain HTTP on its port gets no review.
	if code, _ := get(fmt.Sprintf("http://%s/validate", net.JoinHostPort(opts.LocalServingHost, fmt.Sprint(port)))); code == http.StatusOK {
		t.Error("the webhook answered plain HTTP")
	}
	if code, body := get(fmt.Sprintf("http://127.0.0.1:%d/metrics", metrics)); code != http.StatusOK ||
		!strings.Contains(body, "slotcheck_certificate_expiry_timestamp_seconds") ||
		!strings.Contains(body, `slotcheck_admission_requests_total{kind="Pod",operation="CREATE",verdict="denied"} 1`) {
		t.Errorf("metrics %d:\n%.2000s", code, body)
	}
	if !strings.Contains(logs.String(), `"msg":"denied"`) {
		t.Errorf("no JSON log line for the denial:\n%s", logs.String())
	}

	// SIGTERM: a graceful exit with status 0.
	proc.terminate(t, &logs)
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
