// The webhook runs on Linux only, and the benchmark reads the process's CPU
// time with getrusage.

//go:build unix

package admission

// The load benchmark of the webhook, as the issue asks: the real handler
// behind controller-runtime's webhook server, over TLS on loopback, at
// concurrency 1, 8 and 64, beside a handler that allows everything on the
// same server, so that what TLS, HTTP and the AdmissionReview codec cost (the
// floor) can be told from what judging costs.
//
//	go test ./internal/admission -run '^$' -bench WebhookLoad -benchtime 1500x
//
// Each sub-benchmark (BenchmarkWebhookLoad/validate/c8 and so on) sends b.N
// requests over its workers and reports requests per second, the p50 and p99
// latency of one request, and the CPU time the process spent per request;
// ns/op is left out, being 1/req/s. Latency runs from sending a request to
// reading the last byte of its answer. The client runs in the same process
// and on the same cores as the server, so it takes its share of the CPU, and
// of cpu-ms/req, at every concurrency and on both paths alike. cpu-ms/req is
// also the figure that other load on the machine disturbs least.
//
// Nothing here asserts a duration: the figures are measured and reported.
// What is checked is correctness, every answer being a well-formed
// AdmissionReview with the verdict its object deserves.

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	admissionv1 "k8s.io/api/admission/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/webhook"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
	"sigs.k8s.io/yaml"

	"github.com/slotwise/slotcheck/internal/gcpace"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/source"
	"github.com/slotwise/slotcheck/policies"
)

// loadRoot is the repository root: go test runs a package's tests and
// benchmarks in the package's folder.
const loadRoot = "../.."

// loadDeadline bounds one sub-benchmark, so that a hung server or client
// stops the run with an error instead of holding it until go test's own
// timeout. It is a guard, far above any expected run, not a measurement.
const loadDeadline = 5 * time.Minute

// loadCase is one AdmissionReview of the request mix and the verdict each
// path must give it.
type loadCase struct {
	name string
	uid  types.UID
	body []byte
	// allowed is the verdict of /validate; /noop allows everything.
	allowed bool
}

// loadPath is one webhook the benchmark drives.
type loadPath struct {
	name    string
	handler admission.Handler
	// verdict is the answer the path must give a case.
	verdict func(loadCase) bool
}

func BenchmarkWebhookLoad(b *testing.B) {
	log := zap.New(zap.UseDevMode(false), zap.WriteTo(io.Discard), zap.JSONEncoder())
	// The webhook server logs through controller-runtime's root logger, which
	// prints a warning with a stack trace when nobody has set it in 30s.
	ctrllog.SetLogger(log)

	// The collector is paced as the binary paces it (cmd/webhook), for
	// both paths alike; GOGC in the environment turns that off here too.
	b.Cleanup(gcpace.Start(gcpace.Env{Getenv: os.Getenv, ReadFile: os.ReadFile}))
	mix := loadMix(b)
	paths := []loadPath{
		{"validate", loadHandler(b, log), func(c loadCase) bool { return c.allowed }},
		{"noop", admission.HandlerFunc(func(context.Context, admission.Request) admission.Response {
			return admission.Allowed("")
		}), func(loadCase) bool { return true }},
	}
	base, client := startLoadServer(b, paths)
	for _, p := range paths {
		b.Run(p.name, func(b *testing.B) {
			for _, workers := range []int{1, 8, 64} {
				b.Run("c"+strconv.Itoa(workers), func(b *testing.B) {
					runLoad(b, client, base+"/"+p.name, mix, p.verdict, workers)
				})
			}
		})
	}
}

// loadHandler is the real handler with the full rule set, its cluster a
// double holding the compliant example's NetworkPolicy and HPA, so that the
// compliant Deployment is judged as it would be in its namespace. Its logger
// encodes every denial as the binary's does, into io.Discard.
func loadHandler(b *testing.B, log logr.Logger) admission.Handler {
	b.Helper()
	engine, err := rules.New(context.Background(), policies.FS())
	if err != nil {
		b.Fatal(err)
	}
	profiles, err := rules.BuiltinProfiles()
	if err != nil {
		b.Fatal(err)
	}
	metrics, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		b.Fatal(err)
	}
	res := source.Load([]string{filepath.Join(loadRoot, "testdata", "examples", "compliant")}, source.Options{WorkDir: loadRoot})
	if len(res.Errors) > 0 {
		b.Fatalf("load the compliant examples: %s", res.Errors[0].Message)
	}
	inv := rules.NewInventory(engine.Reads(true))
	for _, o := range res.Objects {
		inv.Add(o.Kind, o.Namespace, o.Value)
	}
	c := &cluster{inventory: inv, labels: map[string]map[string]string{
		"slotwise": {EnvironmentLabel: "production"},
	}}
	h, err := NewHandler(engine, profiles, c, Config{ExcludedNamespaces: []string{"kube-system", "kube-node-lease"}},
		metrics, log.WithName("admission"))
	if err != nil {
		b.Fatal(err)
	}
	return h
}

// loadMix is the request mix: a compliant Deployment, a Deployment that
// breaks most rules, and a Pod with a movable image tag and a writable root
// filesystem (denied for IMG002 and SEC006), as CREATE requests the API
// server would send.
func loadMix(b *testing.B) []loadCase {
	b.Helper()
	mix := []struct {
		name, file, namespace string
		gvr                   metav1.GroupVersionResource
		kind                  string
		allowed               bool
	}{
		{"compliant Deployment", "testdata/examples/compliant/deployment.yaml", "slotwise",
			metav1.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}, "Deployment", true},
		{"noncompliant Deployment", "testdata/examples/violations/workload.yaml", "shop",
			metav1.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}, "Deployment", false},
		{"Pod", "testdata/examples/inputs/pod.json", "tools-staging",
			metav1.GroupVersionResource{Version: "v1", Resource: "pods"}, "Pod", false},
	}
	var cases []loadCase
	for i, m := range mix {
		src, err := os.ReadFile(filepath.Join(loadRoot, m.file))
		if err != nil {
			b.Fatal(err)
		}
		obj, err := yaml.YAMLToJSON(src)
		if err != nil {
			b.Fatalf("%s: %v", m.file, err)
		}
		var meta struct {
			Metadata struct{ Name string } `json:"metadata"`
		}
		if err := json.Unmarshal(obj, &meta); err != nil {
			b.Fatalf("%s: %v", m.file, err)
		}
		dryRun := false
		uid := types.UID(fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1))
		review := admissionv1.AdmissionReview{
			TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
			Request: &admissionv1.AdmissionRequest{
				UID:             uid,
				Kind:            metav1.GroupVersionKind{Group: m.gvr.Group, Version: m.gvr.Version, Kind: m.kind},
				Resource:        m.gvr,
				RequestKind:     &metav1.GroupVersionKind{Group: m.gvr.Group, Version: m.gvr.Version, Kind: m.kind},
				RequestResource: &m.gvr,
				Name:            meta.Metadata.Name,
				Namespace:       m.namespace,
				Operation:       admissionv1.Create,
				UserInfo:        authenticationv1.UserInfo{Username: "system:serviceaccount:argocd:argocd-application-controller", Groups: []string{"system:serviceaccounts", "system:authenticated"}},
				Object:          kruntime.RawExtension{Raw: obj},
				DryRun:          &dryRun,
				Options:         kruntime.RawExtension{Raw: []byte(`{"apiVersion":"meta.k8s.io/v1","kind":"CreateOptions"}`)},
			},
		}
		body, err := json.Marshal(review)
		if err != nil {
			b.Fatal(err)
		}
		cases = append(cases, loadCase{name: m.name, uid: uid, body: body, allowed: m.allowed})
	}
	return cases
}

// startLoadServer serves the paths as the binary serves /validate, on
// 127.0.0.1 with a certificate made for the run, and returns the server's
// URL and a client that trusts it. Everything stops when the benchmark ends.
func startLoadServer(b *testing.B, paths []loadPath) (string, *http.Client) {
	b.Helper()
	certDir := b.TempDir()
	pool := selfSignedCert(b, certDir)

	// webhook.Server takes a port, not a listener, and treats 0 as its
	// default 9443: borrow a free port from the kernel. Another process
	// could take it in between; Start would then fail and say so below.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		b.Fatal(err)
	}
	server := webhook.NewServer(webhook.Options{
		Host:    "127.0.0.1",
		Port:    port,
		CertDir: certDir,
		TLSOpts: []func(*tls.Config){func(c *tls.Config) { c.MinVersion = tls.VersionTLS12 }},
	})
	for _, p := range paths {
		// Each path is served as the binary serves /validate.
		server.Register("/"+p.name, Serve(p.handler))
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- server.Start(ctx) }()

	transport := &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		// A custom TLS configuration turns HTTP/2 off unless asked for: take
		// whatever the server offers, as the API server does.
		ForceAttemptHTTP2:   true,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     90 * time.Second,
	}
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	b.Cleanup(func() {
		transport.CloseIdleConnections()
		cancel()
		select {
		case err := <-done:
			if err != nil {
				b.Errorf("webhook server: %v", err)
			}
		case <-time.After(time.Minute):
			b.Errorf("webhook server still running a minute after it was stopped")
		}
	})

	base := "https://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	// A minute: the server compiles nothing, but a loaded machine may take
	// long to schedule it.
	var proto string
	var last error
	err = wait.PollUntilContextTimeout(ctx, 20*time.Millisecond, time.Minute, true, func(context.Context) (bool, error) {
		select {
		case err := <-done:
			return false, fmt.Errorf("webhook server did not start: %w", err)
		default:
		}
		resp, err := client.Get(base + "/healthz-absent")
		if err != nil {
			last = err
			return false, nil
		}
		_ = resp.Body.Close()
		proto = resp.Proto
		return true, nil
	})
	if err != nil {
		b.Fatalf("webhook server not answering: %v (last: %v)", err, last)
	}
	b.Logf("webhook server on %s, %s", base, proto)
	return base, client
}

// selfSignedCert writes tls.crt and tls.key for 127.0.0.1 into dir and
// returns a pool that trusts the certificate.
func selfSignedCert(b *testing.B, dir string) *x509.CertPool {
	b.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		b.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "slotcheck-webhook load benchmark"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		b.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		b.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		b.Fatal(err)
	}
	for name, block := range map[string]*pem.Block{
		"tls.crt": {Type: "CERTIFICATE", Bytes: der},
		"tls.key": {Type: "PRIVATE KEY", Bytes: keyDER},
	} {
		if err := os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(block), 0o600); err != nil {
			b.Fatal(err)
		}
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return pool
}

// runLoad sends b.N requests of the mix, in turn, to url from the given
// number of workers and reports requests per second and p50 and p99 latency.
// It stops at the first wrong answer, and after loadDeadline in any case.
func runLoad(b *testing.B, client *http.Client, url string, mix []loadCase, verdict func(loadCase) bool, workers int) {
	ctx, cancel := context.WithTimeout(context.Background(), loadDeadline)
	defer cancel()
	latencies := make([]time.Duration, b.N)
	var (
		next     atomic.Int64
		failOnce sync.Once
		failure  error
		wg       sync.WaitGroup
	)
	fail := func(err error) {
		failOnce.Do(func() { failure = err; cancel() })
	}
	b.ResetTimer()
	start, startCPU := time.Now(), cpuTime(b)
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= b.N {
					return
				}
				c := mix[i%len(mix)]
				d, err := send(ctx, client, url, c, verdict(c))
				if err != nil {
					fail(fmt.Errorf("request %d (%s): %w", i, c.name, err))
					return
				}
				latencies[i] = d
			}
		})
	}
	wg.Wait()
	elapsed, cpu := time.Since(start), cpuTime(b)-startCPU
	b.StopTimer()
	if failure != nil {
		b.Fatal(failure)
	}
	if err := ctx.Err(); err != nil {
		b.Fatalf("stopped after %v with %d of %d requests sent: %v", loadDeadline, min(int(next.Load()), b.N), b.N, err)
	}
	slices.Sort(latencies)
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(percentile(latencies, 0.50), "p50-ms")
	b.ReportMetric(percentile(latencies, 0.99), "p99-ms")
	b.ReportMetric(cpu.Seconds()*1000/float64(b.N), "cpu-ms/req")
}

// cpuTime is the user and system CPU time the process has used so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// send posts one AdmissionReview and checks the answer: HTTP 200, an
// AdmissionReview v1 answering this request, with the expected verdict, and
// a denial that says why. It returns the time from sending the request to
// reading the whole answer; the checks are not timed.
func send(ctx context.Context, client *http.Client, url string, c loadCase, allowed bool) (time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(c.body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	body, err := io.ReadAll(resp.Body)
	d := time.Since(start)
	_ = resp.Body.Close()
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, body)
	}
	var review admissionv1.AdmissionReview
	if err := json.Unmarshal(body, &review); err != nil {
		return 0, fmt.Errorf("answer is no AdmissionReview: %w: %.200s", err, body)
	}
	r := review.Response
	switch {
	case review.APIVersion != "admission.k8s.io/v1" || review.Kind != "AdmissionReview":
		return 0, fmt.Errorf("answer is %s %s, want admission.k8s.io/v1 AdmissionReview", review.APIVersion, review.Kind)
	case r == nil:
		return 0, errors.New("AdmissionReview without a response")
	case r.UID != c.uid:
		return 0, fmt.Errorf("response to %s, want %s", r.UID, c.uid)
	case r.Allowed != allowed:
		return 0, fmt.Errorf("allowed = %v, want %v: %+v", r.Allowed, allowed, r.Result)
	case !allowed && (r.Result == nil || r.Result.Code != http.StatusForbidden || !strings.HasPrefix(r.Result.Message, "slotcheck denied ")):
		return 0, fmt.Errorf("a denial must be a 403 naming its findings: %+v", r.Result)
	}
	return d, nil
}

// percentile is the nearest-rank percentile of sorted latencies, in
// milliseconds.
func percentile(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := max(int(math.Ceil(p*float64(len(sorted))))-1, 0)
	return float64(sorted[i]) / float64(time.Millisecond)
}
