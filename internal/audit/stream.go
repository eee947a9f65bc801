package audit

import (
	"context"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// stream is one kind's objects, listed once for every namespace audited
// (or in the one namespace asked for) in pages, and handed out namespace
// by namespace. The API server lists objects in the order of their keys,
// namespace/name, as its continue tokens (the last key sent) require, so
// that a namespace's objects arrive together and in the order namespaces
// are audited. One LIST page per chunk of a kind's objects, rather than one
// per namespace and kind, is what keeps a cluster of many namespaces from
// waiting on the client's rate limit; memory holds a page or two per kind.
type stream struct {
	items <-chan *unstructured.Unstructured
	// err is why the listing stopped early; read once items is closed.
	err error
	// next is the object read ahead, of a namespace not yet reached.
	next *unstructured.Unstructured
	// last is the key of the last object handed out or passed over.
	last string
}

// openStream starts listing kind k in namespace ("" for every namespace)
// until ctx ends.
func (a *auditor) openStream(ctx context.Context, k kind, namespace string) *stream {
	items := make(chan *unstructured.Unstructured)
	s := &stream{items: items}
	go func() {
		defer close(items)
		s.err = a.list(ctx, k, namespace, func(u *unstructured.Unstructured) error {
			select {
			case items <- u:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	return s
}

// key orders objects as the API server's storage keys do: namespace, the
// separator, name; so ns-a-b's objects come before ns-a's ("-" sorts
// before "/").
func key(namespace, name string) string { return namespace + "/" + name }

// take hands each object of namespace to each. Objects of namespaces before
// it, which are not audited (created after the namespaces were listed),
// are passed over, as are objects at or before the last key seen: those of
// a full list the pager starts over with when a continue token expires.
func (s *stream) take(namespace string, each func(*unstructured.Unstructured) error) error {
	prefix := key(namespace, "")
	for {
		if s.next == nil {
			u, ok := <-s.items
			if !ok {
				return s.err
			}
			k := key(u.GetNamespace(), u.GetName())
			if k <= s.last {
				continue
			}
			s.next, s.last = u, k
		}
		if !strings.HasPrefix(s.last, prefix) {
			if s.last > prefix {
				return nil // the next namespace's
			}
			s.next = nil
			continue
		}
		u := s.next
		s.next = nil
		if err := each(u); err != nil {
			return err
		}
	}
}
