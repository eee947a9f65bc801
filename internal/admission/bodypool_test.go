package admission

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"testing"
	"weak"

	"sigs.k8s.io/controller-runtime/pkg/webhook"

	"github.com/slotwise/slotcheck/internal/source"
)

func TestBodyPoolSizes(t *testing.T) {
	tests := []struct {
		name    string
		n       int
		wantCap int
	}{
		{name: "one byte takes the smallest size", n: 1, wantCap: 4 << 10},
		{name: "the smallest size exactly", n: 4 << 10, wantCap: 4 << 10},
		{name: "one byte more takes the next", n: 4<<10 + 1, wantCap: 8 << 10},
		{name: "a 3 MiB object's review", n: 3<<20 + 300, wantCap: 4 << 20},
		{name: "the longest body read", n: maxBody + 1, wantCap: 8 << 20},
		{name: "beyond every size: its own length", n: 8<<20 + 1, wantCap: 8<<20 + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p bodyPool
			b := p.get(tt.n)
			if len(b) != tt.n || cap(b) != tt.wantCap {
				t.Errorf("get(%d): len %d cap %d, want len %d cap %d", tt.n, len(b), cap(b), tt.n, tt.wantCap)
			}
		})
	}
}

func TestBodyPoolKeepsOnlyItsSizes(t *testing.T) {
	tests := []struct {
		name string
		buf  []byte
		want bool
	}{
		{name: "a size of the pool", buf: make([]byte, 10, 16<<10), want: true},
		{name: "a capacity between sizes", buf: make([]byte, 10, 16<<10+1)},
		{name: "below the smallest size", buf: make([]byte, 10, 1<<10)},
		{name: "beyond the largest size", buf: make([]byte, 10, 16<<20)},
		{name: "no buffer", buf: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p bodyPool
			p.put(tt.buf)
			kept := false
			for i := range p.sizes {
				if b, _ := p.sizes[i].Get().(*[]byte); b != nil {
					kept = true
					if len(*b) != 0 || cap(*b) != cap(tt.buf) {
						t.Errorf("pooled len %d cap %d, want 0 and %d", len(*b), cap(*b), cap(tt.buf))
					}
				}
			}
			// sync.Pool may drop what it is given (it does at random under
			// -race): only keeping what it must not keep is an error.
			if kept && !tt.want {
				t.Errorf("put kept a buffer of capacity %d", cap(tt.buf))
			}
		})
	}
}

// reuseBodies are requests of every shape Serve treats apart and a review
// of each example the webhook judges, in a fixed order; not the empty one,
// which Serve never reads.
func reuseBodies(t *testing.T) [][]byte {
	root := repo(t)
	res := source.Load([]string{filepath.Join(root, "testdata", "examples")}, source.Options{WorkDir: root})
	var bodies [][]byte
	for _, o := range res.Objects {
		if body, ok := reviewOf(t, o); ok {
			bodies = append(bodies, body)
		}
	}
	shapes := frontBodies(t)
	names := make([]string, 0, len(shapes))
	for name := range shapes {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if len(shapes[name]) == 0 {
			continue
		}
		bodies = append(bodies, shapes[name])
	}
	return bodies
}

// TestServeReusedBodyChangesNoVerdict serves every request from one buffer,
// each overwriting the last, as the pool lends it, then all of them again in
// the reverse order: every answer is controller-runtime's for the same
// bytes. A string of the handler (a converted value, an interned key, a
// cached result) that pointed into the body instead of owning its bytes
// would change with the buffer and make some later answer differ.
func TestServeReusedBodyChangesNoVerdict(t *testing.T) {
	h, _ := newHandler(t, &cluster{}, Config{})
	plain := (&webhook.Admission{Handler: h}).WithRecoverPanic(true)
	f := Serve(h).(front)
	bodies := reuseBodies(t)
	want := make([]httpAnswer, len(bodies))
	longest := 0
	for i, body := range bodies {
		want[i] = post(plain, body, "application/json")
		longest = max(longest, len(body))
	}
	shared := make([]byte, longest)
	serveFrom := func(i int) {
		buf := shared[:copy(shared, bodies[i])]
		req := httptest.NewRequest(http.MethodPost, "/validate", nil)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		f.serve(rec, req, buf, nil)
		if got := (httpAnswer{rec.Code, rec.Body.String()}); got != want[i] {
			t.Errorf("request %d (%.80s): answered HTTP %d %.300s\nwant HTTP %d %.300s", i, bodies[i], got.code, got.body, want[i].code, want[i].body)
		}
	}
	for i := range bodies {
		serveFrom(i)
	}
	for i := len(bodies) - 1; i >= 0; i-- {
		serveFrom(i)
	}
}

// TestServeKeepsNoBody serves every request from a buffer of its own and
// then collects the garbage: every buffer must be gone. A string or slice
// the webhook kept of a body (an interned key of a pooled converter, an
// argument or value in the rules' cache) would keep its buffer alive, and
// with the pool would read as whatever the next request wrote there, which
// the answers above need not show: a cache keyed by the bytes it holds
// mostly misses rather than errs.
func TestServeKeepsNoBody(t *testing.T) {
	h, _ := newHandler(t, &cluster{}, Config{})
	f := Serve(h).(front)
	bodies := reuseBodies(t)
	served := make([]weak.Pointer[byte], len(bodies))
	for i, body := range bodies {
		served[i] = serveOwnBuffer(f, body)
	}
	// One collection: what the webhook's pools hold survives it (their
	// second one would drop them, and the evidence with them).
	runtime.GC()
	for i, p := range served {
		if p.Value() != nil {
			t.Errorf("request %d (%.80s): its body outlived the request", i, bodies[i])
		}
	}
}

// serveOwnBuffer serves body from a buffer only the webhook refers to once
// answered, and returns a weak pointer to that buffer.
func serveOwnBuffer(f front, body []byte) weak.Pointer[byte] {
	buf := bytes.Clone(body)
	p := weak.Make(&buf[0])
	req := httptest.NewRequest(http.MethodPost, "/validate", nil)
	req.Header.Set("Content-Type", "application/json")
	f.serve(httptest.NewRecorder(), req, buf, nil)
	return p
}

// TestServeConcurrentPooledBodies serves every request from several
// goroutines at once through the pool: each answer is controller-runtime's
// for the same bytes, and under -race a read of a body after its request
// was answered (a buffer back in the pool, lent to another request) is a
// reported race.
func TestServeConcurrentPooledBodies(t *testing.T) {
	h, _ := newHandler(t, &cluster{}, Config{})
	plain := (&webhook.Admission{Handler: h}).WithRecoverPanic(true)
	served := Serve(h)
	bodies := reuseBodies(t)
	want := make([]httpAnswer, len(bodies))
	for i, body := range bodies {
		want[i] = post(plain, body, "application/json")
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for k := range bodies {
				i := (k + g*len(bodies)/4) % len(bodies)
				// A copy per request: the test's own bytes stay unshared.
				if got := post(served, bytes.Clone(bodies[i]), "application/json"); got != want[i] {
					t.Errorf("request %d (%.80s): answered HTTP %d %.300s\nwant HTTP %d %.300s", i, bodies[i], got.code, got.body, want[i].code, want[i].body)
				}
			}
		})
	}
	wg.Wait()
}
