package admission

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"slices"

	"github.com/go-logr/logr"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
)

// maxBody is controller-runtime's limit on a request body (7 MiB: two
// objects of at most 3 MiB and the rest of the review); a longer body goes
// to it unread, and it refuses it as it always has.
const maxBody = 7 << 20

// Serve is the HTTP handler of /validate: controller-runtime's webhook
// around h, answering every request as that webhook alone would, but
// cheaper for large objects. controller-runtime decodes the AdmissionReview
// with four passes of encoding/json's scanner over the whole body (finding
// its kind, then decoding it), and copies the object twice; on a 3 MiB
// object that is 50 ms of CPU or more. Serve reads the body once into a
// pooled buffer (bodyPool), checks in one fast pass that it is valid JSON
// (scanEnvelope), and hands controller-runtime the review with its objects
// cut out; h then gets the objects' bytes from the body as they were.
// Bodies the pass does not vouch for reach controller-runtime unchanged, so
// garbage gets the answer it always got.
func Serve(h admission.Handler) http.Handler {
	hook := &admission.Webhook{Handler: restore{h}, LogConstructor: requestLogger}
	return front{hook: hook.WithRecoverPanic(true), bodies: &bodyPool{}}
}

// requestLogger is the logger controller-runtime's webhook builds for each
// request, twice, to log at verbosity 5 and on the rare failure to encode a
// response. Its default adds six values, which the binary's zap logger
// encodes at once, whether or not anything is logged: about a twentieth of
// a review's CPU. Below verbosity 5 the request's UID is enough to find it.
func requestLogger(base logr.Logger, req *admission.Request) logr.Logger {
	switch {
	case req == nil:
		return base
	case base.V(5).Enabled():
		return admission.DefaultLogConstructor(base, req)
	}
	return base.WithValues("requestID", req.UID)
}

// front is Serve's handler.
type front struct {
	hook   *admission.Webhook
	bodies *bodyPool
}

func (f front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Body == nil || r.Body == http.NoBody {
		f.hook.ServeHTTP(w, r)
		return
	}
	body, err := f.readBody(r)
	// The webhook is done with the body when it has answered: controller-
	// runtime copies what it decodes, and the handler reads the objects
	// into values of their own (source.JSONReader copies every string).
	defer f.bodies.put(body)
	f.serve(w, r, body, err)
}

// serve answers the request whose body was read as body, up to err.
func (f front) serve(w http.ResponseWriter, r *http.Request, body []byte, err error) {
	if err != nil || len(body) > maxBody {
		// Let controller-runtime meet the same error or limit and answer it.
		r.Body = readCloser{io.MultiReader(bytes.NewReader(body), r.Body), r.Body}
		f.hook.ServeHTTP(w, r)
		return
	}
	ctx := r.Context()
	if env, ok := scanEnvelope(body); ok {
		cut := new(objects)
		if body, *cut = env.cut(body); cut.object != nil || cut.oldObject != nil {
			ctx = context.WithValue(ctx, objectsKey{}, cut)
			// The request's context outlives the request: the runtime lets
			// go of a stopped timer, and of the context it would have
			// cancelled, only now and then. It must not hold the body,
			// which the next request borrows.
			defer func() { *cut = objects{} }()
		}
	}
	r = r.WithContext(ctx)
	r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	f.hook.ServeHTTP(w, r)
}

// readBody reads at most maxBody+1 bytes of the body, into a pooled
// buffer of the announced length when there is one, rather than doubling a
// buffer from 512 bytes as io.ReadAll does.
func (f front) readBody(r *http.Request) ([]byte, error) {
	limited := io.LimitReader(r.Body, maxBody+1)
	if n := r.ContentLength; n > 0 && n <= maxBody {
		buf := f.bodies.get(int(n))
		read, err := io.ReadFull(limited, buf)
		if err != nil {
			return buf[:read], err
		}
		// A body longer than announced: read the rest as it comes.
		rest, err := io.ReadAll(limited)
		return append(buf, rest...), err
	}
	return io.ReadAll(limited)
}

// readCloser reads from one reader and closes another.
type readCloser struct {
	io.Reader
	io.Closer
}

// objects are the objects cut out of a review, the bytes of its body; nil
// when not cut.
type objects struct{ object, oldObject []byte }

// objectsKey is the context key of the objects cut out of a review.
type objectsKey struct{}

// cut returns body with each object that is a JSON object replaced by
// null, which controller-runtime decodes as no object, and the objects'
// bytes. Other values (a string, an array: garbage) stay for
// controller-runtime to decode and answer.
func (e envelope) cut(body []byte) ([]byte, objects) {
	var spans []span
	for _, s := range []span{e.object, e.oldObject} {
		if s.of(body) != nil {
			spans = append(spans, s)
		}
	}
	if len(spans) == 0 {
		return body, objects{}
	}
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	size := len(body)
	for _, s := range spans {
		size -= s.len() - len("null")
	}
	out := make([]byte, 0, size)
	last := 0
	for _, s := range spans {
		out = append(append(out, body[last:s.start]...), "null"...)
		last = s.end
	}
	out = append(out, body[last:]...)
	return out, objects{object: e.object.of(body), oldObject: e.oldObject.of(body)}
}

// of is the span's bytes of body when it holds a JSON object, nil
// otherwise.
func (s span) of(body []byte) []byte {
	if s.len() == 0 || body[s.start] != '{' {
		return nil
	}
	return body[s.start:s.end:s.end]
}

// restore puts the objects Serve cut out back into the request before h
// judges it.
type restore struct{ h admission.Handler }

func (r restore) Handle(ctx context.Context, req admission.Request) admission.Response {
	if cut, ok := ctx.Value(objectsKey{}).(*objects); ok {
		if cut.object != nil {
			req.Object.Raw = cut.object
		}
		if cut.oldObject != nil {
			req.OldObject.Raw = cut.oldObject
		}
	}
	return r.h.Handle(ctx, req)
}
