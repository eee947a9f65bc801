package admission

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

// watchTransport reports the list and watch requests of a cache's
// informers to a WatchHealth and passes every request on unchanged.
type watchTransport struct {
	health *WatchHealth
	next   http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *watchTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resource, ok := resourceName(req)
	if !ok {
		return t.next.RoundTrip(req)
	}
	verb := "list"
	watching := isWatch(req)
	if watching {
		verb = "watch"
	}
	resp, err := t.next.RoundTrip(req)
	switch {
	case err != nil:
		t.health.failed(resource, fmt.Sprintf("%s: %v", verb, err))
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		t.health.failed(resource, fmt.Sprintf("%s: %s", verb, resp.Status))
	default:
		seq := t.health.answered(resource)
		if watching {
			resp.Body = &watchBody{ReadCloser: resp.Body, end: func() { t.health.ended(resource, seq) }}
		}
	}
	return resp, err
}

// isWatch tells a watch (or a watch-list) from a list, as client-go asks
// for one.
func isWatch(req *http.Request) bool {
	w := req.URL.Query().Get("watch")
	return w == "true" || w == "1"
}

// watchBody is the stream of one watch: it reports once when the stream
// ends, by an error (the API server went away), its end, or the reflector
// closing it.
type watchBody struct {
	io.ReadCloser
	once sync.Once
	end  func()
}

func (b *watchBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.once.Do(b.end)
	}
	return n, err
}

func (b *watchBody) Close() error {
	b.once.Do(b.end)
	return b.ReadCloser.Close()
}

// resourceName names the resource that a GET of a collection lists or
// watches, as kubectl names it ("namespaces", "deployments.apps"): the
// request paths are /api/VERSION/[namespaces/NS/]RESOURCE and
// /apis/GROUP/VERSION/[namespaces/NS/]RESOURCE, after whatever path the
// API server's URL has. Any other request is not an informer's: ok is
// false.
func resourceName(req *http.Request) (name string, ok bool) {
	if req.Method != http.MethodGet || req.URL == nil {
		return "", false
	}
	segs := strings.Split(strings.Trim(req.URL.Path, "/"), "/")
	for i, seg := range segs {
		var group string
		var rest []string
		switch {
		case seg == "api":
			rest = segs[i+1:]
		case seg == "apis" && i+1 < len(segs):
			group, rest = segs[i+1], segs[i+2:]
		default:
			continue
		}
		var resource string
		switch {
		case len(rest) == 2:
			resource = rest[1]
		case len(rest) == 4 && rest[1] == "namespaces":
			resource = rest[3]
		default:
			// A namespace named api or apis: the path goes on.
			continue
		}
		if resource == "" {
			continue
		}
		if group != "" {
			resource += "." + group
		}
		return resource, true
	}
	return "", false
}
