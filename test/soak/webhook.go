package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
)

// loopback is the only address the soak listens on or connects to.
const loopback = "127.0.0.1"

// target is the running webhook binary and a client that trusts it.
type target struct {
	url        string
	metricsURL string
	client     *http.Client
	pid        int
	// started is when the process was started: gctrace's clock starts
	// then.
	started time.Time
	// dir is the soak's temporary folder, which outlives the soak with the
	// log and the figures of each second.
	dir     string
	logPath string
	done    chan struct{} // closed when the process has exited
	stop    func()
}

// startWebhook starts kube-apiserver and etcd, builds and starts
// slotcheck-webhook against them with a fresh certificate, and waits until
// it is ready (its informer caches synced).
func startWebhook(ctx context.Context, opts options, namespaces []string, errOut io.Writer) (t *target, err error) {
	var cleanups []func()
	cleanup := func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	}
	defer func() {
		if err != nil {
			cleanup()
		}
	}()
	// A folder any user can read: started as root, the binary drops to an
	// unprivileged user before it reads its certificate.
	dir, err := os.MkdirTemp("", "slotcheck-soak-")
	if err != nil {
		return nil, err
	}
	certDir := filepath.Join(dir, "certs")
	for _, d := range []string{dir, certDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
		if err := os.Chmod(d, 0o755); err != nil {
			return nil, err
		}
	}
	bin := filepath.Join(dir, "slotcheck-webhook")
	fmt.Fprintln(errOut, "soak: building ./cmd/webhook")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/webhook")
	build.Dir = opts.root
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("build ./cmd/webhook: %w\n%s", err, out)
	}
	pool, err := writeCertificate(certDir)
	if err != nil {
		return nil, err
	}
	fmt.Fprintln(errOut, "soak: starting kube-apiserver and etcd")
	env, err := startControlPlane(opts.assets)
	cleanups = append(cleanups, func() {
		if err := env.Stop(); err != nil {
			fmt.Fprintf(errOut, "soak: stop kube-apiserver and etcd: %v\n", err)
		}
	})
	if err != nil {
		return nil, err
	}
	if err := createNamespaces(ctx, env.Config, namespaces); err != nil {
		return nil, err
	}
	kubeconfig := filepath.Join(dir, "kubeconfig")
	if err := writeKubeconfig(env, kubeconfig); err != nil {
		return nil, err
	}
	ports, err := freePorts(3)
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, "webhook.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cleanups = append(cleanups, func() { logFile.Close() })
	cmd := exec.Command(bin,
		"--kubeconfig", kubeconfig,
		"--cert-dir", certDir,
		"--port", fmt.Sprint(ports[0]),
		"--health-probe-bind-address", net.JoinHostPort(loopback, fmt.Sprint(ports[1])),
		"--metrics-bind-address", net.JoinHostPort(loopback, fmt.Sprint(ports[2])),
	)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// gctrace prints a line on stderr, into the log, at the end of every
	// collection: the soak ties slow seconds to them.
	cmd.Env = append(os.Environ(), "GODEBUG="+withGCTrace(os.Getenv("GODEBUG")))
	started := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start slotcheck-webhook: %w", err)
	}
	// Only the log is worth keeping in the folder, not a 100 MB binary.
	cleanups = append(cleanups, func() { os.Remove(bin) })
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	cleanups = append(cleanups, func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	t = &target{
		url:        fmt.Sprintf("https://%s/validate", net.JoinHostPort(loopback, fmt.Sprint(ports[0]))),
		metricsURL: fmt.Sprintf("http://%s/metrics", net.JoinHostPort(loopback, fmt.Sprint(ports[2]))),
		client:     newClient(pool, opts),
		pid:        cmd.Process.Pid,
		started:    started,
		dir:        dir,
		logPath:    logPath,
		done:       done,
		stop:       cleanup,
	}
	fmt.Fprintln(errOut, "soak: waiting for slotcheck-webhook to be ready")
	if err := waitReady(ctx, fmt.Sprintf("http://%s/readyz", net.JoinHostPort(loopback, fmt.Sprint(ports[1]))), done); err != nil {
		return nil, fmt.Errorf("%w (log: %s)", err, logPath)
	}
	return t, nil
}

// withGCTrace is a GODEBUG setting that adds gctrace=1 to godebug's.
func withGCTrace(godebug string) string {
	if godebug == "" {
		return "gctrace=1"
	}
	return godebug + ",gctrace=1"
}

// startControlPlane starts envtest's kube-apiserver and etcd the way
// test/e2e does; envtest's own log is discarded.
func startControlPlane(assets string) (*envtest.Environment, error) {
	ctrllog.SetLogger(logr.Discard())
	env := &envtest.Environment{
		BinaryAssetsDirectory:    assets,
		ControlPlaneStartTimeout: time.Minute,
		ControlPlaneStopTimeout:  time.Minute,
	}
	// kube-apiserver refuses a loopback advertise address while its endpoint
	// reconciler runs; with both set it needs nothing but loopback.
	env.ControlPlane.GetAPIServer().Configure().
		Set("advertise-address", loopback).
		Set("endpoint-reconciler-type", "none")
	if _, err := env.Start(); err != nil {
		return env, fmt.Errorf("start kube-apiserver and etcd from KUBEBUILDER_ASSETS=%s: %w", assets, err)
	}
	return env, nil
}

// createNamespaces creates the namespaces the reviews name: the handler
// reads a review's namespace from its cache, and a namespace it cannot find
// fails the review.
func createNamespaces(ctx context.Context, cfg *rest.Config, names []string) error {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("client of the API server: %w", err)
	}
	for _, name := range names {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
		if _, err := cs.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("create namespace %s: %w", name, err)
		}
	}
	return nil
}

// writeKubeconfig writes a kubeconfig of a cluster administrator: the
// webhook lists and watches what its cross-object rules read.
func writeKubeconfig(env *envtest.Environment, path string) error {
	user, err := env.AddUser(envtest.User{Name: "slotcheck-webhook", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return fmt.Errorf("add the webhook's user: %w", err)
	}
	kubeconfig, err := user.KubeConfig()
	if err != nil {
		return fmt.Errorf("kubeconfig of the webhook's user: %w", err)
	}
	return os.WriteFile(path, kubeconfig, 0o600)
}

// writeBuffer is the client's write buffer: a body goes out in writes of
// this size, each split into TLS records of at most 16 KiB. With net/http's
// default of 4 KiB a 3 MiB review took 768 writes, each a record and a
// system call on both ends; the API server, over HTTP/2, sends frames of
// 16 KiB.
const writeBuffer = 64 << 10

// newClient is an HTTPS client trusting only the webhook's certificate,
// with a connection per review in flight, as the API server keeps them.
func newClient(pool *x509.CertPool, opts options) *http.Client {
	return &http.Client{
		Timeout: opts.timeout,
		Transport: &http.Transport{
			TLSClientConfig:     &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
			MaxIdleConns:        opts.inflight,
			MaxIdleConnsPerHost: opts.inflight,
			IdleConnTimeout:     time.Minute,
			WriteBufferSize:     writeBuffer,
		},
	}
}

// waitReady polls the readiness probe until it answers 200, the process
// exits or a minute passes.
func waitReady(ctx context.Context, url string, done <-chan struct{}) error {
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		select {
		case <-done:
			return errors.New("slotcheck-webhook exited before it was ready")
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return errors.New("slotcheck-webhook not ready after a minute")
}

func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", net.JoinHostPort(loopback, "0"))
		if err != nil {
			return nil, err
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// rss is the process's resident set (VmRSS) in KiB.
func (t *target) rss() (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", t.pid))
	if err != nil {
		return 0, err
	}
	return parseVmRSS(string(b))
}

// parseVmRSS reads the VmRSS line of /proc/<pid>/status, in KiB.
func parseVmRSS(status string) (int64, error) {
	for line := range strings.Lines(status) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kib int64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kib); err != nil {
				return 0, fmt.Errorf("VmRSS %q: %w", strings.TrimSpace(rest), err)
			}
			return kib, nil
		}
	}
	return 0, errors.New("no VmRSS line in /proc/<pid>/status")
}

// exited says whether the process is gone.
func (t *target) exited() bool {
	select {
	case <-t.done:
		return true
	default:
		return false
	}
}

// panicked says whether the process's log shows a panic, recovered or not.
func (t *target) panicked() bool {
	b, err := os.ReadFile(t.logPath)
	if err != nil {
		return true
	}
	return hasPanic(string(b))
}

// hasPanic looks, line by line, for what the Go runtime prints on a panic
// and what net/http, controller-runtime and client-go log when they recover
// one. A stack trace alone is no panic: controller-runtime prints one when
// its logger is used before it is set.
func hasPanic(log string) bool {
	for line := range strings.Lines(log) {
		if strings.HasPrefix(line, "panic: ") || strings.HasPrefix(line, "fatal error: ") ||
			strings.Contains(line, "Observed a panic") || strings.Contains(line, "http: panic serving") {
			return true
		}
	}
	return false
}
