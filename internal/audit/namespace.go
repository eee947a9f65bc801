package audit

import (
	"context"
	"maps"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/slotwise/slotcheck/internal/config"
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

// namespaces are the namespaces to audit: the one asked for, or all. A
// namespace asked for whose labels cannot be read is still audited, in the
// environment its name says.
func (a *auditor) namespaces(ctx context.Context) []namespace {
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

// namespace lists and judges one namespace: its inventory first, so that
// cross-object rules see the whole namespace, then its workloads.
func (a *auditor) namespace(ctx context.Context, ns namespace) error {
	env, err := rules.NamespaceEnvironment(ns.name, ns.labels)
	if err != nil {
		a.rep.Errors = append(a.rep.Errors, source.Error{File: ns.name, Message: err.Error()})
		return nil
	}
	inv := rules.NewInventory(a.engine.Reads(true))
	for _, o := range a.clusterObjects {
		inv.Add(o.kind, o.namespace, o.value)
	}
	unread := maps.Clone(a.unreadCluster)
	for _, k := range a.reads {
		err := a.list(ctx, k, ns.name, func(u *unstructured.Unstructured) error {
			v, err := value(u)
			if err != nil {
				return err
			}
			inv.Add(k.gvk.Kind, ns.name, v)
			return nil
		})
		if err := a.failed(ctx, k, ns.name, err, unread); err != nil {
			return err
		}
	}
	var objs []*source.Object
	for _, k := range a.judged {
		err := a.list(ctx, k, ns.name, func(u *unstructured.Unstructured) error {
			if a.offspring(u) {
				a.rep.Summary.Skipped++
				return nil
			}
			o, perr := object(u, a.checker)
			if perr != nil {
				a.rep.Errors = append(a.rep.Errors, *perr)
				return nil
			}
			if k.read != nil {
				inv.Add(k.gvk.Kind, ns.name, o.Value)
			}
			objs = append(objs, o)
			return nil
		})
		if err := a.failed(ctx, k, ns.name, err, unread); err != nil {
			return err
		}
	}
	c := scan.Context{Environment: env, Profile: a.profiles[env], Inventory: inv.Value(ns.name), Admission: true, Today: config.NewDate(a.opts.Now).String()}
	return a.judge(ctx, objs, c, unread)
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
