package admission

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/cache"
)

// TestResourceName: the collection paths client-go lists and watches name
// their resource as kubectl does; nothing else is an informer's request.
func TestResourceName(t *testing.T) {
	for _, tt := range []struct {
		name, method, url string
		want              string
		ok                bool
	}{
		{name: "core, cluster scope", method: http.MethodGet, url: "https://h/api/v1/namespaces?watch=true", want: "namespaces", ok: true},
		{name: "core, in a namespace", method: http.MethodGet, url: "https://h/api/v1/namespaces/team/pods", want: "pods", ok: true},
		{name: "group, every namespace", method: http.MethodGet, url: "https://h/apis/apps/v1/deployments?limit=500", want: "deployments.apps", ok: true},
		{name: "group, in a namespace", method: http.MethodGet, url: "https://h/apis/networking.k8s.io/v1/namespaces/team/networkpolicies", want: "networkpolicies.networking.k8s.io", ok: true},
		{name: "behind a proxy path", method: http.MethodGet, url: "https://h/k8s/clusters/c-1/apis/autoscaling/v2/horizontalpodautoscalers", want: "horizontalpodautoscalers.autoscaling", ok: true},
		{name: "a namespace named api", method: http.MethodGet, url: "https://h/api/v1/namespaces/api/services", want: "services", ok: true},
		{name: "a namespace named apis", method: http.MethodGet, url: "https://h/apis/apps/v1/namespaces/apis/deployments", want: "deployments.apps", ok: true},
		{name: "one object", method: http.MethodGet, url: "https://h/api/v1/namespaces/team", ok: false},
		{name: "discovery", method: http.MethodGet, url: "https://h/apis/apps/v1", ok: false},
		{name: "version", method: http.MethodGet, url: "https://h/version", ok: false},
		{name: "a write", method: http.MethodPost, url: "https://h/api/v1/namespaces", ok: false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.url, nil)
			got, ok := resourceName(req)
			if got != tt.want || ok != tt.ok {
				t.Errorf("resourceName(%s %s) = %q, %v; want %q, %v", tt.method, tt.url, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// fakeAPI answers each request with the next of its answers, in order.
type fakeAPI struct{ answers []answer }

// answer is a status with an empty body, or a transport error.
type answer struct {
	status int
	err    error
}

func (f *fakeAPI) RoundTrip(req *http.Request) (*http.Response, error) {
	a := f.answers[0]
	f.answers = f.answers[1:]
	if a.err != nil {
		return nil, a.err
	}
	return &http.Response{StatusCode: a.status, Status: http.StatusText(a.status), Body: io.NopCloser(strings.NewReader("")), Request: req}, nil
}

// step is one request of the reflector, or the end of a watch it got.
type step struct {
	// url is requested, unless end names a step (by index) whose watch ends.
	url string
	end int
}

const (
	watchNamespaces  = "https://h/api/v1/namespaces?watch=true&resourceVersion=7"
	listNamespaces   = "https://h/api/v1/namespaces?limit=500"
	watchDeployments = "https://h/apis/apps/v1/deployments?watch=true"
	listDeployments  = "https://h/apis/apps/v1/deployments"
)

var errRefused = errors.New("dial tcp 127.0.0.1:6443: connect: connection refused")

// TestWatchHealth: an informer fails with a request that gets no 2xx
// answer or a watch that ends, and is healthy again from the next 2xx
// answer to a list or watch of it, whatever that answer holds.
func TestWatchHealth(t *testing.T) {
	for _, tt := range []struct {
		name    string
		steps   []step
		answers []answer
		want    []string
	}{
		{
			name:    "a watch answered is healthy",
			steps:   []step{{url: watchNamespaces}},
			answers: []answer{{status: 200}},
		},
		{
			name:    "a refused watch fails",
			steps:   []step{{url: watchNamespaces}, {end: 0}, {url: watchNamespaces}},
			answers: []answer{{status: 200}, {err: errRefused}},
			want:    []string{"namespaces: watch: " + errRefused.Error()},
		},
		{
			name:    "a watch answered after the refusal resumes",
			steps:   []step{{url: watchNamespaces}, {url: watchNamespaces}},
			answers: []answer{{err: errRefused}, {status: 200}},
		},
		{
			name:    "a watch that ends fails",
			steps:   []step{{url: watchNamespaces}, {end: 0}},
			answers: []answer{{status: 200}},
			want:    []string{"namespaces: watch ended"},
		},
		{
			name:    "a relist after the end resyncs",
			steps:   []step{{url: watchNamespaces}, {end: 0}, {url: listNamespaces}},
			answers: []answer{{status: 200}, {status: 200}},
		},
		{
			name:    "a list answered 503 fails",
			steps:   []step{{url: listDeployments}},
			answers: []answer{{status: 503}},
			want:    []string{"deployments.apps: list: Service Unavailable"},
		},
		{
			name:    "a watch answered 410 fails until the relist",
			steps:   []step{{url: watchDeployments}},
			answers: []answer{{status: 410}},
			want:    []string{"deployments.apps: watch: Gone"},
		},
		{
			name:    "the end of a watch already replaced counts for nothing",
			steps:   []step{{url: watchNamespaces}, {url: watchNamespaces}, {end: 0}},
			answers: []answer{{status: 200}, {status: 200}},
		},
		{
			name:    "each resource on its own, sorted",
			steps:   []step{{url: watchNamespaces}, {url: watchDeployments}, {url: listNamespaces}},
			answers: []answer{{err: errRefused}, {err: errRefused}, {status: 200}},
			want:    []string{"deployments.apps: watch: " + errRefused.Error()},
		},
		{
			name:    "other requests are not informers'",
			steps:   []step{{url: "https://h/version"}},
			answers: []answer{{err: errRefused}},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := NewWatchHealth(logr.Discard())
			client := &http.Client{Transport: &watchTransport{health: h, next: &fakeAPI{answers: tt.answers}}}
			bodies := make([]io.ReadCloser, len(tt.steps))
			for i, s := range tt.steps {
				if s.url == "" {
					if _, err := io.ReadAll(bodies[s.end]); err != nil {
						t.Fatalf("step %d: read the watch of step %d: %v", i, s.end, err)
					}
					continue
				}
				resp, err := client.Get(s.url)
				if err == nil {
					bodies[i] = resp.Body
				}
			}
			if got := h.Failures(); !slices.Equal(got, tt.want) {
				t.Errorf("failures:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// syncedCache is a cache whose informers have synced, or not.
type syncedCache struct {
	cache.Cache
	synced bool
}

func (c syncedCache) WaitForCacheSync(context.Context) bool { return c.synced }

// TestWatchHealthChecker: not ready before the first sync, nor while an
// informer is not watching, and the error names the informer.
func TestWatchHealthChecker(t *testing.T) {
	for _, tt := range []struct {
		name   string
		synced bool
		answer answer
		want   string
	}{
		{name: "not synced", synced: false, answer: answer{status: 200}, want: "informer caches not synced"},
		{name: "synced and watching", synced: true, answer: answer{status: 200}},
		{name: "synced, not watching", synced: true, answer: answer{status: 500}, want: "informers not watching the API server: namespaces: list: Internal Server Error"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := NewWatchHealth(logr.Discard())
			client := &http.Client{Transport: &watchTransport{health: h, next: &fakeAPI{answers: []answer{tt.answer}}}}
			resp, err := client.Get(listNamespaces)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			err = h.Checker(syncedCache{synced: tt.synced})(httptest.NewRequest(http.MethodGet, "/readyz", nil))
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("checker: got %q, want %q", got, tt.want)
			}
		})
	}
}

// fakeAPIServer serves namespaces to a reflector: a list, or a watch-list
// that ends its initial events at once, and watches that stay open until
// the server stops. It can stop (its watches end and its address refuses
// connections) and start again, on a port of its own each time: by the
// time it starts again, the port it left may be taken by another process.
// Its clients connect through dial, which follows it to its new port.
type fakeAPIServer struct {
	// mu guards addr, which the client's dials read from the reflector's
	// goroutines while the test starts the server again.
	mu   sync.Mutex
	addr string // where the server listens, or last listened
	srv  *http.Server
	stop chan struct{}
}

func (f *fakeAPIServer) start(t *testing.T) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	f.mu.Lock()
	f.addr = l.Addr().String()
	f.mu.Unlock()
	// Each server's handlers hold their own stop channel: a handler of the
	// server shutdown closed may still run while start writes f.stop.
	stop := make(chan struct{})
	f.stop = stop
	serve := func(w http.ResponseWriter, req *http.Request) { f.serve(w, req, stop) }
	srv := &http.Server{Handler: http.HandlerFunc(serve), ReadHeaderTimeout: time.Minute}
	f.srv = srv
	go func() { _ = srv.Serve(l) }()
}

// dial is the client's rest.Config.Dial: it connects to where the server
// listens, or, while it is stopped, to the address it left, which refuses
// the connection as an API server that went away does.
func (f *fakeAPIServer) dial(ctx context.Context, network, _ string) (net.Conn, error) {
	f.mu.Lock()
	addr := f.addr
	f.mu.Unlock()
	var d net.Dialer
	return d.DialContext(ctx, network, addr)
}

// shutdown stops the server if it runs.
func (f *fakeAPIServer) shutdown() {
	if f.srv == nil {
		return
	}
	close(f.stop)
	_ = f.srv.Close()
	f.srv = nil
}

func (f *fakeAPIServer) serve(w http.ResponseWriter, req *http.Request, stop <-chan struct{}) {
	w.Header().Set("Content-Type", "application/json")
	if !isWatch(req) {
		fmt.Fprint(w, `{"kind":"NamespaceList","apiVersion":"v1","metadata":{"resourceVersion":"5"},"items":[]}`)
		return
	}
	if req.URL.Query().Get("sendInitialEvents") == "true" {
		fmt.Fprint(w, `{"type":"BOOKMARK","object":{"kind":"Namespace","apiVersion":"v1","metadata":{"resourceVersion":"5","annotations":{"k8s.io/initial-events-end":"true"}}}}`+"\n")
	}
	w.(http.Flusher).Flush()
	select {
	case <-stop:
	case <-req.Context().Done():
	}
}

// TestWatchHealthFollowsACache: the informers of a cache NewCache built
// (client-go reflectors, whose watch error handler a server that goes away
// never reaches) make the checker not ready while their API server is away
// and ready once they watch again.
func TestWatchHealthFollowsACache(t *testing.T) {
	api := &fakeAPIServer{}
	api.start(t)
	t.Cleanup(api.shutdown)

	h := NewWatchHealth(logr.Discard())
	mapper := meta.NewDefaultRESTMapper(nil)
	mapper.Add(corev1.SchemeGroupVersion.WithKind("Namespace"), meta.RESTScopeRoot)
	c, err := h.NewCache(&rest.Config{Host: "http://" + api.addr, Dial: api.dial}, cache.Options{Scheme: scheme.Scheme, Mapper: mapper})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- c.Start(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("cache: %v", err)
		}
	})
	if _, err := c.GetInformer(ctx, &corev1.Namespace{}); err != nil {
		t.Fatal(err)
	}
	ready := h.Checker(c)

	// A reflector may wait up to 60 s between two attempts (its backoff
	// caps at 30 s, jittered up to twice that): each wait allows for one
	// such pause and a loaded machine's own delays.
	const within = 2 * time.Minute
	await := func(what string, cond func(error) bool) {
		t.Helper()
		var got error
		err := wait.PollUntilContextTimeout(t.Context(), 10*time.Millisecond, within, true, func(context.Context) (bool, error) {
			got = ready(httptest.NewRequest(http.MethodGet, "/readyz/caches", nil))
			return cond(got), nil
		})
		if err != nil {
			t.Fatalf("%s: not within %s; readiness: %v", what, within, got)
		}
	}
	isReady := func(err error) bool { return err == nil }
	await("ready after the first sync", isReady)

	api.shutdown()
	await("not ready with the server away", func(err error) bool {
		return err != nil && strings.HasPrefix(err.Error(), "informers not watching the API server: namespaces: ")
	})

	api.start(t)
	await("ready again with the server back", isReady)
}
