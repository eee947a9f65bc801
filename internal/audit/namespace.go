package audit

import (
	"context"
	"maps"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/internal/source"
)

// namespaceKind is the kind the audit reads namespaces' labels from.
var namespaceKind = kind{
	gvk:      schema.GroupVersionKind{Version: "v1", Kind: "Namespace"},
	resource: schema.GroupVersionResource{Version: "v1", Resource: "namespaces"},
}

// namespace is one namespace to audit, with the labels that may name its
// environment.
type namespace struct {
	name   string
	labels map[string]string
}

// listNamespaces lists the namespaces to audit: the one asked for, or all. A
// namespace asked for whose labels cannot be read is still audited, in the
// environment its name says.
func (a *auditor) listNamespaces(ctx context.Context) []namespace {
	if a.opts.Namespace != "" {
		u, err := a.cluster.Dynamic.Resource(namespaceKind.resource).Get(ctx, a.opts.Namespace, metav1.GetOptions{})
		if err != nil {
			a.failures.add(namespaceKind, a.opts.Namespace, err)
			return []namespace{{name: a.opts.Namespace}}
		}
		return []namespace{{name: u.GetName(), labels: u.GetLabels()}}
	}
	var out []namespace
	err := a.list(ctx, namespaceKind, "", func(u *unstructured.Unstructured) error {
		out = append(out, namespace{name: u.GetName(), labels: u.GetLabels()})
		return nil
	})
	if err != nil {
		a.failures.add(namespaceKind, "", err)
		return nil
	}
	return out
}

// clusterInventory lists the kinds read with cluster scope, once: every
// namespace's targets read all of them.
func (a *auditor) clusterInventory(ctx context.Context) error {
	for _, k := range a.clusterReads {
		err := a.list(ctx, k, "", func(u *unstructured.Unstructured) error {
			v, err := value(u)
			if err != nil {
				return err
			}
			a.clusterObjects = append(a.clusterObjects, inventoryObject{kind: k.gvk.Kind, namespace: u.GetNamespace(), value: v})
			return nil
		})
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			a.failures.add(k, "", err)
			a.unreadCluster[k.gvk.Kind] = true
		}
	}
	return nil
}

// batch is one namespace listed: the objects to judge, what judging them
// needs, and what listing them found besides.
type batch struct {
	namespace string
	objs      []*source.Object
	scan      scan.Context
	unread    map[string]bool
	// skipped counts the owned objects judged through their controllers.
	skipped int
	errors  []source.Error
}

// collect reads one namespace's objects from the streams of their kinds:
// its inventory first, so that cross-object rules see the whole namespace,
// then the objects it judges. It leaves the report alone, so that the
// namespace before is judged meanwhile.
func (a *auditor) collect(ctx context.Context, ns namespace, streams map[string]*stream) (*batch, error) {
	b := &batch{namespace: ns.name, unread: maps.Clone(a.unreadCluster)}
	env, err := rules.NamespaceEnvironment(ns.name, ns.labels)
	if err != nil {
		b.errors = append(b.errors, source.Error{File: ns.name, Message: err.Error()})
		return b, nil
	}
	inv := rules.NewInventory(a.reads)
	for _, o := range a.clusterObjects {
		inv.Add(o.kind, o.namespace, o.value)
	}
	for _, k := range a.namespaceReads {
		err := streams[k.String()].take(ns.name, func(u *unstructured.Unstructured) error {
			v, err := value(u)
			if err != nil {
				return err
			}
			inv.Add(k.gvk.Kind, ns.name, v)
			return nil
		})
		if err := a.failed(ctx, k, ns.name, err, b.unread); err != nil {
			return nil, err
		}
	}
	for _, k := range a.judged {
		err := streams[k.String()].take(ns.name, func(u *unstructured.Unstructured) error {
			if a.offspring(u) {
				b.skipped++
				return nil
			}
			o, perr := object(u, a.checker)
			if perr != nil {
				b.errors = append(b.errors, *perr)
				return nil
			}
			if k.read != nil {
				inv.Add(k.gvk.Kind, ns.name, o.Value)
			}
			b.objs = append(b.objs, o)
			return nil
		})
		if err := a.failed(ctx, k, ns.name, err, b.unread); err != nil {
			return nil, err
		}
	}
	b.scan = scan.Context{Environment: env, Profile: a.profiles[env], Inventory: inv.Value(ns.name), Admission: true, Today: a.today,
		Config: a.opts.Configuration.RuleData()}
	return b, nil
}

// failed records a kind that could not be listed in a namespace, which
// leaves its objects unread there; it returns only the context's error, as
// a cancelled audit stops.
func (a *auditor) failed(ctx context.Context, k kind, namespace string, err error, unread map[string]bool) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	a.failures.add(k, namespace, err)
	unread[k.gvk.Kind] = true
	return nil
}
