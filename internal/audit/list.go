package audit

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/pager"
)

// list hands each object of kind k in namespace ("" for every namespace)
// to each, reading them in pages of the chunk size with client-go's pager,
// which starts over with a full list when the server lets a continue token
// expire.
func (a *auditor) list(ctx context.Context, k kind, namespace string, each func(*unstructured.Unstructured) error) error {
	var r dynamic.ResourceInterface = a.cluster.Dynamic.Resource(k.resource)
	if k.namespaced && namespace != "" {
		r = a.cluster.Dynamic.Resource(k.resource).Namespace(namespace)
	}
	p := pager.New(pager.SimplePageFunc(func(opts metav1.ListOptions) (runtime.Object, error) {
		return r.List(ctx, opts)
	}))
	p.PageSize = a.opts.ChunkSize
	// One page read ahead while the one before is handed out, not the
	// pager's ten: a kind listed for the whole cluster would otherwise
	// hold ten pages of objects waiting for the engine.
	p.PageBufferSize = 1
	return p.EachListItem(ctx, metav1.ListOptions{}, func(obj runtime.Object) error {
		u, ok := obj.(*unstructured.Unstructured)
		if !ok {
			return fmt.Errorf("list %s: an item is %T", k, obj)
		}
		if u.GetKind() == "" {
			u.SetGroupVersionKind(k.gvk)
		}
		return each(u)
	})
}
