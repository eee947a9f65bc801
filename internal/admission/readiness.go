package admission

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
)

// WatchHealth says whether the informers of a cache are watching the API
// server, so that readiness can fall when they stop (an API server restart,
// a network partition) and rise again once they have caught up.
//
// It does not rely on the reflectors' watch error handler
// (cache.Options.DefaultWatchErrorHandler): client-go v0.37's reflector calls
// it only when a whole list-and-watch attempt returns an error. A watch that
// the API server closes is restarted from its last resource version inside
// Reflector.watch, and a refused connection there is retried with backoff
// without ever reaching the handler; an error event ending an established
// watch is logged and answered with a relist, again without it. An API
// server restart takes exactly those paths, so the handler alone would leave
// the webhook ready throughout.
//
// What every path has in common is the reflector's next request: WatchHealth
// sees the list and watch requests of the cache's HTTP client (NewCache). An
// informer is unhealthy from a request that fails (no answer, or a status
// other than 2xx) or a watch whose stream ends, until a list or watch of it
// is answered 2xx again:
//   - a relist (list, or watch-list streaming its initial events) is a full
//     resync; a watch-list counts from its answer, a moment before its
//     initial events (served from the API server's watch cache) are in;
//   - a watch answered 2xx resumes from the reflector's last resource
//     version, so the API server delivers every change since then, or an
//     error event that ends the stream (marking the informer unhealthy
//     again) and makes the reflector relist.
//
// Recovery so waits for nothing that happens in the cluster: no event,
// bookmark or resource version change of the watched kind, which a quiet
// cluster may not produce for minutes. It waits for the reflector's own
// retry, which never stops and whose backoff is capped (client-go: 30 s,
// up to twice that with jitter), so once the API server answers, readiness
// returns within about a minute at worst and usually within a second. A
// live LIST from the probe would not do better: it proves the API server
// answers, not that the informer is watching it again.
type WatchHealth struct {
	log logr.Logger

	mu  sync.Mutex
	seq uint64
	// state is the last word on each resource a cache request named, by
	// resourceName; a resource never requested is not in it.
	state map[string]watchState
}

// watchState is what the last request of one resource said.
type watchState struct {
	// seq orders the states: a watch's end counts only while no later
	// request of its resource has been seen.
	seq uint64
	// failure is empty while the resource is watched, else why it is not.
	failure string
	// ended is a failure that is only the end of a watch, which the next
	// request normally follows at once.
	ended bool
}

// watchEnded is the failure of an informer whose watch ended.
const watchEnded = "watch ended"

// NewWatchHealth returns a WatchHealth that logs its resources' failures
// and recoveries to log.
func NewWatchHealth(log logr.Logger) *WatchHealth {
	return &WatchHealth{log: log, state: map[string]watchState{}}
}

// NewCache is a cache.NewCacheFunc (manager.Options.NewCache): the cache
// cache.New builds, whose informers' requests go through h.
func (h *WatchHealth) NewCache(config *rest.Config, opts cache.Options) (cache.Cache, error) {
	base := opts.HTTPClient
	if base == nil {
		var err error
		if base, err = rest.HTTPClientFor(config); err != nil {
			return nil, fmt.Errorf("informer HTTP client: %w", err)
		}
	}
	client := *base
	next := client.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	client.Transport = &watchTransport{health: h, next: next}
	opts.HTTPClient = &client
	return cache.New(config, opts)
}

// Checker is the readiness check of the informers of c, whose cache
// NewCache built: not ready until they have synced once, nor while any of
// them is not watching; the error names each such informer by its resource
// and says why.
func (h *WatchHealth) Checker(c cache.Cache) healthz.Checker {
	return func(req *http.Request) error {
		ctx, cancel := context.WithTimeout(req.Context(), time.Second)
		defer cancel()
		if !c.WaitForCacheSync(ctx) {
			return errors.New("informer caches not synced")
		}
		if failures := h.Failures(); len(failures) > 0 {
			return fmt.Errorf("informers not watching the API server: %s", strings.Join(failures, "; "))
		}
		return nil
	}
}

// Failures lists, sorted, each resource whose informer is not watching, as
// "resource: why".
func (h *WatchHealth) Failures() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for resource, st := range h.state {
		if st.failure != "" {
			out = append(out, resource+": "+st.failure)
		}
	}
	slices.Sort(out)
	return out
}

// answered records a 2xx answer to a list or watch of resource and returns
// its sequence number, which the watch's end passes to ended.
func (h *WatchHealth) answered(resource string) uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seq++
	if prev := h.state[resource]; prev.failure != "" {
		h.log.Info("informer watching again", "resource", resource, "after", prev.failure)
	}
	h.state[resource] = watchState{seq: h.seq}
	return h.seq
}

// failed records a request of resource that got no 2xx answer.
func (h *WatchHealth) failed(resource, why string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seq++
	if prev := h.state[resource]; prev.failure == "" || prev.ended {
		h.log.Info("informer not watching", "resource", resource, "reason", why)
	}
	h.state[resource] = watchState{seq: h.seq, failure: why}
}

// ended records the end of the watch of resource answered as seq. The
// reflector watches again at once (a watch ends every few minutes in normal
// operation), so the end is not logged; it counts only if no request of the
// resource came after the watch.
func (h *WatchHealth) ended(resource string, seq uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.state[resource].seq != seq {
		return
	}
	h.seq++
	h.state[resource] = watchState{seq: h.seq, failure: watchEnded, ended: true}
}
