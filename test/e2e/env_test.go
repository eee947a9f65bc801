//go:build e2e

// Package e2e tests slotcheck's validating admission webhook end to end: a
// real kube-apiserver and etcd (controller-runtime's envtest, with the
// binaries that scripts/envtest-assets builds) call the webhook, served
// in-process over TLS on 127.0.0.1 and wired like cmd/webhook, and the tests
// judge only what a client of the API server gets back.
//
//	KUBEBUILDER_ASSETS=$(./scripts/envtest-assets) go test -count=1 -tags e2e ./test/e2e/
package e2e

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/certwatcher"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/webhook"
	"sigs.k8s.io/yaml"

	"github.com/slotwise/slotcheck/internal/admission"
	"github.com/slotwise/slotcheck/internal/kube"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/policies"
)

const (
	// validatePath is cmd/webhook's ValidatePath (a main package cannot be
	// imported).
	validatePath = "/validate"
	// webhookName names the webhook in the configuration; the API server
	// quotes it in every denial.
	webhookName = "validate.slotcheck.slotwise.com"
	// excludedNamespace is excluded by the handler's configuration, not by
	// the webhook configuration's namespaceSelector: the API server calls the
	// webhook for it, and the webhook must allow.
	excludedNamespace = "e2e-excluded"
	// timeout bounds every wait of the suite; interval is how often a wait
	// looks again.
	timeout  = 60 * time.Second
	interval = 100 * time.Millisecond
	// loopback is the only address the suite listens on or connects to.
	loopback = "127.0.0.1"
)

// deniedBy is how the API server prefixes a denial by the webhook.
const deniedBy = `admission webhook "` + webhookName + `" denied the request: `

// suite is one control plane, the webhook it calls and a client of it.
type suite struct {
	env     *envtest.Environment
	client  client.Client
	engine  *rules.Engine
	profile *rules.Profiles
	// logs holds what envtest, the manager and the handler log.
	logs *suiteLog

	mu   sync.Mutex
	hook *webhookProcess // nil while the webhook is stopped
	// configure adjusts the handler's configuration of each webhook start,
	// with the manager that runs it (a test's own settings); nil for none.
	configure func(t *testing.T, s *suite, mgr manager.Manager, cfg *admission.Config)
}

// newSuite starts kube-apiserver and etcd, installs the webhook
// configuration and starts the webhook, its handler configured by
// configure (when given); everything stops when t ends.
func newSuite(t *testing.T, configure ...func(t *testing.T, s *suite, mgr manager.Manager, cfg *admission.Config)) *suite {
	t.Helper()
	return newSuiteWith(t, nil, configure...)
}

// newSuiteWith is newSuite with environment, when not nil, changing the
// control plane's settings before it starts.
func newSuiteWith(t *testing.T, environment func(*envtest.Environment), configure ...func(t *testing.T, s *suite, mgr manager.Manager, cfg *admission.Config)) *suite {
	t.Helper()
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		t.Fatal("KUBEBUILDER_ASSETS is not set; it names the folder holding kube-apiserver and etcd, which ./scripts/envtest-assets builds (once) and prints:\n" +
			"  KUBEBUILDER_ASSETS=$(./scripts/envtest-assets) go test -count=1 -tags e2e ./test/e2e/")
	}
	for _, bin := range []string{"kube-apiserver", "etcd"} {
		if _, err := os.Stat(filepath.Join(assets, bin)); err != nil {
			t.Fatalf("KUBEBUILDER_ASSETS=%s has no %s (%v); ./scripts/envtest-assets builds kube-apiserver and etcd and prints their folder", assets, bin, err)
		}
	}

	// The suite's part of the one log, shown when a test fails: the
	// handler logs every denial with its findings.
	logs := &suiteLog{from: processLog.Len()}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log of the webhook and envtest:\n%s", logs.String())
		}
	})

	engine, err := rules.New(t.Context(), policies.FS())
	if err != nil {
		t.Fatalf("compile policies: %v", err)
	}
	profiles, err := rules.BuiltinProfiles()
	if err != nil {
		t.Fatalf("profiles: %v", err)
	}

	env := &envtest.Environment{
		BinaryAssetsDirectory:    assets,
		ControlPlaneStartTimeout: timeout,
		ControlPlaneStopTimeout:  timeout,
		WebhookInstallOptions: envtest.WebhookInstallOptions{
			// envtest generates a CA and a serving certificate for this host
			// into LocalServingCertDir, picks LocalServingPort, and points the
			// configuration's service at https://127.0.0.1:<port>.
			LocalServingHost:   loopback,
			ValidatingWebhooks: []*admissionregistrationv1.ValidatingWebhookConfiguration{webhookConfiguration()},
			MaxTime:            timeout,
			PollInterval:       interval,
		},
	}
	// kube-apiserver 1.37 refuses a loopback advertise address while its
	// endpoint reconciler runs; with both set it never picks (nor needs) an
	// address other than 127.0.0.1, so the suite also runs on a host that
	// has nothing but loopback.
	env.ControlPlane.GetAPIServer().Configure().
		Set("advertise-address", loopback).
		Set("endpoint-reconciler-type", "none")
	if environment != nil {
		environment(env)
	}
	// Registered before Start: a failed start can leave etcd running.
	t.Cleanup(func() {
		if err := env.Stop(); err != nil {
			t.Errorf("stop kube-apiserver and etcd: %v", err)
		}
	})
	cfg, err := env.Start()
	if err != nil {
		t.Fatalf("start kube-apiserver and etcd from %s: %v", assets, err)
	}
	for what, addr := range map[string]string{"kube-apiserver": cfg.Host, "etcd": env.ControlPlane.Etcd.URL.String(), "webhook": env.WebhookInstallOptions.LocalServingHost} {
		if host := hostOf(addr); host != loopback {
			t.Fatalf("%s is on %s (%s), not %s", what, host, addr, loopback)
		}
	}

	// The client records the API server's warnings per request (see
	// recordWarnings), so that parallel tests each see their own.
	// The timeout bounds every request of the tests (not the webhook's
	// watches, which use cfg).
	clientCfg := rest.CopyConfig(cfg)
	clientCfg.WarningHandlerWithContext = warningRecorder{}
	clientCfg.Timeout = timeout
	c, err := client.New(clientCfg, client.Options{})
	if err != nil {
		t.Fatalf("client: %v", err)
	}

	s := &suite{env: env, client: c, engine: engine, profile: profiles, logs: logs}
	if len(configure) > 0 {
		s.configure = configure[0]
	}
	// Cleanups run last-in first-out: the webhook stops before the control
	// plane.
	t.Cleanup(func() {
		if err := s.stopWebhook(); err != nil {
			t.Errorf("stop the webhook: %v", err)
		}
	})
	s.startWebhook(t)
	return s
}

// hostOf is the host of a URL or of a bare host.
func hostOf(addr string) string {
	if u, err := url.Parse(addr); err == nil && u.Host != "" {
		return u.Hostname()
	}
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return addr
}

// webhookConfiguration is the ValidatingWebhookConfiguration a cluster
// would install; envtest replaces its service by the local serving URL and
// fills in the CA bundle.
func webhookConfiguration() *admissionregistrationv1.ValidatingWebhookConfiguration {
	fail := admissionregistrationv1.Fail
	none := admissionregistrationv1.SideEffectClassNone
	path := validatePath
	// Above the handler's own deadline (8 s), so that a slow judgement is
	// answered by the handler, not cut by the API server.
	timeoutSeconds := int32(10)
	ops := []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update}
	scope := admissionregistrationv1.NamespacedScope
	rule := func(group, version, resource string) admissionregistrationv1.RuleWithOperations {
		return admissionregistrationv1.RuleWithOperations{Operations: ops, Rule: admissionregistrationv1.Rule{
			APIGroups: []string{group}, APIVersions: []string{version}, Resources: []string{resource}, Scope: &scope,
		}}
	}
	// What the handler reviews: the workloads, and the ephemeral containers
	// of Pods. The chart's own rules are held to the same list by
	// cmd/webhook's TestWebhookRulesSendWorkloads.
	reviewed := []admissionregistrationv1.RuleWithOperations{rule("", "v1", "pods/ephemeralcontainers")}
	for _, w := range kube.Workloads() {
		reviewed = append(reviewed, rule(w.Group, w.Version, w.Resource))
	}
	return &admissionregistrationv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: "slotcheck"},
		Webhooks: []admissionregistrationv1.ValidatingWebhook{{
			Name:                    webhookName,
			AdmissionReviewVersions: []string{"v1"},
			SideEffects:             &none,
			FailurePolicy:           &fail,
			TimeoutSeconds:          &timeoutSeconds,
			ClientConfig: admissionregistrationv1.WebhookClientConfig{
				Service: &admissionregistrationv1.ServiceReference{Namespace: "slotcheck", Name: "slotcheck-webhook", Path: &path},
			},
			Rules: reviewed,
			// kube-system is never sent to the webhook, so that a webhook that
			// is down cannot block the cluster's own recovery.
			NamespaceSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{
				Key: corev1.LabelMetadataName, Operator: metav1.LabelSelectorOpNotIn, Values: []string{"kube-system"},
			}}},
		}},
	}
}

// webhookProcess is one run of the webhook's manager.
type webhookProcess struct {
	cache cache.Cache
	// ready is the readiness check of the binary's /readyz/caches.
	ready  healthz.Checker
	cancel context.CancelFunc
	done   chan struct{}
	err    error // of mgr.Start, set before done closes
}

// startWebhook builds what cmd/webhook/serve.go builds (certificate
// watcher, webhook server, manager, informers of admission.InformerObjects,
// handler on /validate) on envtest's serving host, port and certificate, and
// returns once the server accepts TLS and the informers have synced, as the
// binary's readiness checks require.
func (s *suite) startWebhook(t *testing.T) {
	t.Helper()
	opts := s.env.WebhookInstallOptions
	log := ctrllog.Log.WithName("webhook")
	watcher, err := certwatcher.New(filepath.Join(opts.LocalServingCertDir, "tls.crt"), filepath.Join(opts.LocalServingCertDir, "tls.key"))
	if err != nil {
		t.Fatalf("serving certificate: %v", err)
	}
	server := webhook.NewServer(webhook.Options{
		Host: opts.LocalServingHost,
		Port: opts.LocalServingPort,
		TLSOpts: []func(*tls.Config){func(c *tls.Config) {
			c.MinVersion = tls.VersionTLS12
			c.GetCertificate = watcher.GetCertificate
		}},
	})
	health := admission.NewWatchHealth(log.WithName("informers"))
	mgr, err := manager.New(s.env.Config, manager.Options{
		Logger:   log,
		NewCache: health.NewCache,
		// No probe or metrics listener: the suite checks readiness itself,
		// and binds nothing but the webhook.
		HealthProbeBindAddress: "0",
		Metrics:                metricsserver.Options{BindAddress: "0"},
		WebhookServer:          server,
	})
	if err != nil {
		t.Fatalf("manager: %v", err)
	}
	if err := mgr.Add(watcher); err != nil {
		t.Fatalf("certificate watcher: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	reads := s.engine.Reads(true)
	informers, err := admission.InformerObjects(reads)
	if err != nil {
		cancel()
		t.Fatalf("informers: %v", err)
	}
	for _, obj := range informers {
		if _, err := mgr.GetCache().GetInformer(ctx, obj); err != nil {
			cancel()
			t.Fatalf("informer for %T: %v", obj, err)
		}
	}
	// A registry per run: a restarted webhook registers its metrics again.
	metrics, err := admission.NewMetrics(prometheus.NewRegistry())
	if err != nil {
		cancel()
		t.Fatalf("metrics: %v", err)
	}
	handlerCfg := admission.Config{
		Mode:               admission.ModeEnforce,
		ExcludedNamespaces: []string{"kube-system", "kube-node-lease", excludedNamespace},
	}
	if s.configure != nil {
		s.configure(t, s, mgr, &handlerCfg)
	}
	handler, err := admission.NewHandler(s.engine, s.profile, admission.NewCachedCluster(mgr.GetCache(), reads), handlerCfg, metrics, log.WithName("admission"))
	if err != nil {
		cancel()
		t.Fatalf("handler: %v", err)
	}
	// Registered through the manager, not on server directly: the manager
	// adds Options.WebhookServer to what it starts only when
	// GetWebhookServer is first called; a server used only through its own
	// variable is never started.
	mgr.GetWebhookServer().Register(validatePath, (&webhook.Admission{Handler: handler}).WithRecoverPanic(true))

	p := &webhookProcess{cache: mgr.GetCache(), ready: health.Checker(mgr.GetCache()), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.err = mgr.Start(ctx)
	}()
	s.mu.Lock()
	s.hook = p
	s.mu.Unlock()

	started := server.StartedChecker()
	eventually(t, "webhook serving TLS on "+net.JoinHostPort(opts.LocalServingHost, fmt.Sprint(opts.LocalServingPort))+" with synced informers", func(ctx context.Context) (bool, error) {
		select {
		case <-p.done:
			return false, fmt.Errorf("the manager stopped: %w", p.err)
		default:
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "/readyz", nil)
		if err != nil {
			return false, err
		}
		return started(req) == nil && p.ready(req) == nil, nil
	})
}

// stopWebhook stops the webhook's manager (and so its server) and waits
// for it; it does nothing when the webhook is stopped.
func (s *suite) stopWebhook() error {
	s.mu.Lock()
	p := s.hook
	s.hook = nil
	s.mu.Unlock()
	if p == nil {
		return nil
	}
	p.cancel()
	select {
	case <-p.done:
		if p.err != nil {
			return fmt.Errorf("webhook manager: %w", p.err)
		}
		return nil
	case <-time.After(timeout):
		return fmt.Errorf("webhook manager still running %s after it was told to stop", timeout)
	}
}

// webhookCache is the running webhook's informer cache.
func (s *suite) webhookCache(t *testing.T) cache.Cache {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hook == nil {
		t.Fatal("the webhook is stopped")
	}
	return s.hook.cache
}

// webhookReady is the running webhook's readiness check of its informers,
// the binary's /readyz/caches.
func (s *suite) webhookReady(t *testing.T) healthz.Checker {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hook == nil {
		t.Fatal("the webhook is stopped")
	}
	return s.hook.ready
}

// setFailurePolicy changes the webhook configuration's failurePolicy.
func (s *suite) setFailurePolicy(t *testing.T, policy admissionregistrationv1.FailurePolicyType) {
	t.Helper()
	var cfg admissionregistrationv1.ValidatingWebhookConfiguration
	if err := s.client.Get(t.Context(), client.ObjectKey{Name: "slotcheck"}, &cfg); err != nil {
		t.Fatalf("get the webhook configuration: %v", err)
	}
	patch := client.MergeFrom(cfg.DeepCopy())
	cfg.Webhooks[0].FailurePolicy = &policy
	if err := s.client.Patch(t.Context(), &cfg, patch); err != nil {
		t.Fatalf("set failurePolicy %s: %v", policy, err)
	}
}

// namespace creates a namespace and waits until the webhook's informer
// holds it: the webhook reads a namespace's mode from its cache, and a
// request that came before the cache saw the namespace would be judged
// without it.
func (s *suite) namespace(t *testing.T, name string, labels map[string]string) {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}
	if err := s.client.Create(t.Context(), ns); err != nil {
		t.Fatalf("create namespace %s: %v", name, err)
	}
	s.awaitNamespace(t, name, labels)
}

// label sets labels of a namespace and waits until the webhook sees them.
func (s *suite) label(t *testing.T, name string, labels map[string]string) {
	t.Helper()
	var ns corev1.Namespace
	if err := s.client.Get(t.Context(), client.ObjectKey{Name: name}, &ns); err != nil {
		t.Fatalf("get namespace %s: %v", name, err)
	}
	patch := client.MergeFrom(ns.DeepCopy())
	if ns.Labels == nil {
		ns.Labels = map[string]string{}
	}
	for k, v := range labels {
		ns.Labels[k] = v
	}
	if err := s.client.Patch(t.Context(), &ns, patch); err != nil {
		t.Fatalf("label namespace %s: %v", name, err)
	}
	s.awaitNamespace(t, name, labels)
}

func (s *suite) awaitNamespace(t *testing.T, name string, labels map[string]string) {
	t.Helper()
	c := s.webhookCache(t)
	eventually(t, fmt.Sprintf("namespace %s with labels %v in the webhook's cache", name, labels), func(ctx context.Context) (bool, error) {
		var ns corev1.Namespace
		if err := c.Get(ctx, client.ObjectKey{Name: name}, &ns); err != nil {
			return false, client.IgnoreNotFound(err)
		}
		for k, v := range labels {
			if ns.Labels[k] != v {
				return false, nil
			}
		}
		return true, nil
	})
}

// eventually polls cond until it holds, and fails the test after timeout.
func eventually(t *testing.T, what string, cond wait.ConditionWithContextFunc) {
	t.Helper()
	if err := wait.PollUntilContextTimeout(t.Context(), interval, timeout, true, cond); err != nil {
		t.Fatalf("%s: not within %s: %v", what, timeout, err)
	}
}

// result is what a client of the API server got back for one request.
type result struct {
	err      error
	warnings []string
}

func (r result) String() string {
	s := "allowed"
	if r.err != nil {
		s = "error: " + r.err.Error()
	}
	if len(r.warnings) > 0 {
		s += "\nwarnings:\n  " + strings.Join(r.warnings, "\n  ")
	}
	return s
}

// create creates obj through the API server.
func (s *suite) create(t *testing.T, obj client.Object, opts ...client.CreateOption) result {
	t.Helper()
	ctx, w := recordWarnings(t.Context())
	err := s.client.Create(ctx, obj, opts...)
	return result{err: err, warnings: w.list()}
}

// update updates obj through the API server.
func (s *suite) update(t *testing.T, obj client.Object, opts ...client.UpdateOption) result {
	t.Helper()
	ctx, w := recordWarnings(t.Context())
	err := s.client.Update(ctx, obj, opts...)
	return result{err: err, warnings: w.list()}
}

// mustDeny fails unless the webhook denied the request naming every rule
// id; it returns the error message the client got.
func mustDeny(t *testing.T, r result, ids ...string) string {
	t.Helper()
	if r.err == nil {
		t.Fatalf("allowed, want a denial naming %v; %s", ids, r)
	}
	msg := r.err.Error()
	if !strings.Contains(msg, deniedBy) {
		t.Fatalf("not a denial by the webhook: %s", r)
	}
	if !apierrors.IsForbidden(r.err) {
		t.Errorf("reason %q, want Forbidden (403): %v", apierrors.ReasonForError(r.err), r.err)
	}
	for _, id := range ids {
		if !strings.Contains(msg, "["+id+"]") {
			t.Errorf("denial lacks [%s]: %s", id, msg)
		}
	}
	return msg
}

// mustAllow fails unless the request succeeded.
func mustAllow(t *testing.T, r result) {
	t.Helper()
	if r.err != nil {
		t.Fatalf("want allowed; %s", r)
	}
}

// mustWarn fails unless some warning contains each of want.
func mustWarn(t *testing.T, r result, want ...string) {
	t.Helper()
	for _, w := range want {
		if !slices.ContainsFunc(r.warnings, func(got string) bool { return strings.Contains(got, w) }) {
			t.Errorf("no warning contains %q; %s", w, r)
		}
	}
}

// warningsKey carries a request's *warnings in its context.
type warningsKey struct{}

// warnings collects the warnings of one request.
type warnings struct {
	mu   sync.Mutex
	seen []string
}

func (w *warnings) list() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.seen)
}

// recordWarnings returns a context whose requests' warnings are recorded.
func recordWarnings(ctx context.Context) (context.Context, *warnings) {
	w := &warnings{}
	return context.WithValue(ctx, warningsKey{}, w), w
}

// warningRecorder is the client's rest.WarningHandlerWithContext: client-go
// passes it the request's context, which says where its warnings go.
type warningRecorder struct{}

func (warningRecorder) HandleWarningHeaderWithContext(ctx context.Context, _ int, _ string, text string) {
	if w, ok := ctx.Value(warningsKey{}).(*warnings); ok {
		w.mu.Lock()
		w.seen = append(w.seen, text)
		w.mu.Unlock()
	}
}

// documents reads a testdata file (relative to the repository root) as one
// JSON document per YAML document.
func documents(t *testing.T, file string) [][]byte {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "..", file))
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	var docs [][]byte
	for _, doc := range strings.Split(string(src), "\n---\n") {
		j, err := yaml.YAMLToJSON([]byte(doc))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if s := string(bytes.TrimSpace(j)); s != "null" && s != "{}" {
			docs = append(docs, j)
		}
	}
	return docs
}

// fixture decodes the first document of a testdata file into obj and
// moves it to namespace.
func fixture[T client.Object](t *testing.T, file, namespace string, obj T) T {
	t.Helper()
	if err := json.Unmarshal(documents(t, file)[0], obj); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	obj.SetNamespace(namespace)
	return obj
}

// unstructuredObjects reads every document of a testdata file, moved to
// namespace.
func unstructuredObjects(t *testing.T, file, namespace string) []*unstructured.Unstructured {
	t.Helper()
	var objs []*unstructured.Unstructured
	for _, doc := range documents(t, file) {
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(doc); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		u.SetNamespace(namespace)
		objs = append(objs, u)
	}
	return objs
}

// syncBuffer is a log sink that goroutines of the manager can share.
// processLog is where envtest, the managers and the handlers of every suite
// log. controller-runtime takes a logger once per process (a second
// SetLogger leaves the loggers already handed out where they were), so
// TestMain sets it and each suite reads its own part.
var processLog syncBuffer

func TestMain(m *testing.M) {
	ctrllog.SetLogger(zap.New(zap.WriteTo(&processLog), zap.UseDevMode(true)))
	os.Exit(m.Run())
}

// suiteLog is the part of processLog written since a suite started; the
// suites of the package run one after the other.
type suiteLog struct{ from int }

func (l *suiteLog) String() string { return processLog.String()[l.from:] }

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// Len is how many bytes were written.
func (b *syncBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Len()
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
