package audit

import (
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
	"gopkg.in/yaml.v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/slotwise/slotcheck/internal/kube"
	"github.com/slotwise/slotcheck/internal/source"
)

// Location names an object of a cluster where a file's name and line name
// one in a repository: namespace/Kind/name.
func Location(namespace, kind, name string) string {
	return namespace + "/" + kind + "/" + name
}

// offspring reports whether an object is judged through its controller: a
// Pod of a ReplicaSet, a ReplicaSet of a Deployment, a Job of a CronJob.
// Bare Pods and Jobs, and objects of controllers the audit does not judge
// (an operator's custom resource), are judged themselves.
func (a *auditor) offspring(u *unstructured.Unstructured) bool {
	ref := metav1.GetControllerOfNoCopy(u)
	if ref == nil {
		return false
	}
	gv, err := schema.ParseGroupVersion(ref.APIVersion)
	if err != nil {
		return false
	}
	return a.controllers[gv.WithKind(ref.Kind).GroupKind()]
}

// object reads a listed object as the loader lint and the webhook use
// would read its JSON, so that it is judged as its manifest would be, with
// the audit's one strict-decoding checker. Its File is its Location. The
// managed fields, which no rule reads and which can be most of an object,
// are left out.
//
// An object the checker accepts as it is, which is nearly every object a
// cluster holds, becomes its Rego value directly: encoding it to JSON and
// parsing that as YAML, for lines and columns nobody sees (a finding names
// the field path), was half of what an audit allocated. Any other object
// goes through the loader, for its problems in the loader's words.
func object(u *unstructured.Unstructured, checker *kube.Checker) (*source.Object, *source.Error) {
	where := Location(u.GetNamespace(), u.GetKind(), u.GetName())
	unstructured.RemoveNestedField(u.Object, "metadata", "managedFields")
	apiVersion, kind := u.GetAPIVersion(), u.GetKind()
	if v, err := ast.InterfaceToValue(u.Object); err == nil && (!checker.Known(apiVersion, kind) || checker.Accepts(apiVersion, kind, v)) {
		return &source.Object{
			File: where, Domain: "k8s", Value: v,
			APIVersion: apiVersion, Kind: kind, Name: u.GetName(), Namespace: u.GetNamespace(),
			// Where the loader's YAML would be: findings are placed in
			// it, at no line.
			Node: &yaml.Node{Kind: yaml.MappingNode},
		}, nil
	}
	raw, err := u.MarshalJSON()
	if err != nil {
		return nil, &source.Error{File: where, Message: fmt.Sprintf("encode: %v", err)}
	}
	// A fixed name, not where: the loader reads a name such as
	// ns/Pod/dockerfile as a Dockerfile's.
	res := source.Parse("cluster-object.json", raw, source.Options{Checker: checker})
	if len(res.Errors) > 0 {
		return nil, &source.Error{File: where, Message: res.Errors[0].Message}
	}
	if len(res.Objects) != 1 {
		return nil, &source.Error{File: where, Message: fmt.Sprintf("want one Kubernetes object, got %d", len(res.Objects))}
	}
	o := res.Objects[0]
	o.File = where
	return o, nil
}

// value is an object as input.inventory holds it.
func value(u *unstructured.Unstructured) (ast.Value, error) {
	v, err := ast.InterfaceToValue(u.Object)
	if err != nil {
		return nil, fmt.Errorf("convert %s: %w", Location(u.GetNamespace(), u.GetKind(), u.GetName()), err)
	}
	return v, nil
}
