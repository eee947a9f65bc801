package main

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// The garbage the soak sends; garbageKinds lists it in turn.
const (
	garbageTruncated = "truncated"
	garbageWrongKind = "wrong-kind"
	garbageHuge      = "3MiB"
	garbageDeep      = "deep-nesting"
	garbageUnknown   = "unknown-fields"
)

// garbageKinds lists the garbage in the order the soak sends it.
func garbageKinds() []string {
	return []string{garbageTruncated, garbageWrongKind, garbageHuge, garbageDeep, garbageUnknown}
}

const (
	// hugeSize is the size of the huge object's one annotation.
	hugeSize = 3 << 20
	// deepDepth is how deep the deeply nested object goes: beyond what
	// encoding/json accepts (10,000).
	deepDepth = 20000
)

// example is one object of testdata/examples as JSON, with the kind and
// resource an AdmissionReview names.
type example struct {
	name   string // file and position, for the report
	object []byte
	// namespace is the object's, or soak when it names none.
	namespace string
	kind      metav1.GroupVersionKind
	resource  metav1.GroupVersionResource
}

// review is one request body and what the soak expects of its answer.
type review struct {
	// class is the examples folder the object comes from ("compliant/" or
	// "violations/"; not every object of the latter breaks a rule) or
	// "garbage/<kind>".
	class string
	uid   string // the UID the response must echo; empty when none can be
	body  []byte
}

// generator makes the soak's request bodies: every garbageEvery-th is
// garbage (each kind in turn), the others AdmissionReviews of the examples.
type generator struct {
	garbageEvery int
	compliant    []example
	noncompliant []example
	huge         []byte // built once: 3 MiB per review is costly to rebuild
}

// newGenerator reads the compliant and noncompliant examples under root.
func newGenerator(root string, garbageEvery int) (*generator, error) {
	compliant, err := readExamples(filepath.Join(root, "testdata", "examples", "compliant"))
	if err != nil {
		return nil, err
	}
	noncompliant, err := readExamples(filepath.Join(root, "testdata", "examples", "violations"))
	if err != nil {
		return nil, err
	}
	if len(compliant) == 0 || len(noncompliant) == 0 {
		return nil, errors.New("testdata/examples holds no compliant or no noncompliant object")
	}
	g := &generator{garbageEvery: garbageEvery, compliant: compliant, noncompliant: noncompliant}
	g.huge = g.hugeReview()
	return g, nil
}

// namespaces are the namespaces the reviews name, sorted.
func (g *generator) namespaces() []string {
	set := map[string]bool{"soak": true}
	for _, ex := range slices.Concat(g.compliant, g.noncompliant) {
		set[ex.namespace] = true
	}
	return slices.Sorted(maps.Keys(set))
}

// review is the i-th request of the soak; the same i always gives the same
// body but for the UID.
func (g *generator) review(i int) review {
	uid := fmt.Sprintf("soak-%d", i)
	if (i+1)%g.garbageEvery == 0 {
		return g.garbage(i/g.garbageEvery, uid)
	}
	real := i - i/g.garbageEvery
	if real%2 == 0 {
		ex := g.compliant[(real/2)%len(g.compliant)]
		return review{class: "compliant/", uid: uid, body: admissionReview(uid, ex)}
	}
	ex := g.noncompliant[(real/2)%len(g.noncompliant)]
	return review{class: "violations/", uid: uid, body: admissionReview(uid, ex)}
}

// garbage is the j-th garbage request.
func (g *generator) garbage(j int, uid string) review {
	kind := garbageKinds()[j%len(garbageKinds())]
	ex := g.noncompliant[j%len(g.noncompliant)]
	r := review{class: "garbage/" + kind, uid: uid}
	switch kind {
	case garbageTruncated:
		whole := admissionReview(uid, ex)
		// Cut somewhere past the UID, at a place that moves with j.
		r.body = whole[:len(whole)/3+j%(len(whole)/2)]
		r.uid = ""
	case garbageWrongKind:
		// The object is a Deployment, the request says it is a Namespace,
		// and the envelope is not an AdmissionReview of a known version.
		r.body = fmt.Appendf(nil, `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":%q,"kind":{"group":"","version":"v1","kind":"Namespace"},"resource":{"group":"","version":"v1","resource":"namespaces"},"operation":"CREATE","object":%s}}`, uid, ex.object)
		if j%2 == 1 {
			r.body = fmt.Appendf(nil, `{"apiVersion":"v1","kind":"Pod","request":{"uid":%q,"object":%s}}`, uid, ex.object)
			r.uid = ""
		}
	case garbageHuge:
		r.body, r.uid = g.huge, "soak-huge"
	case garbageDeep:
		r.body = deepReview(uid, deepDepth)
		r.uid = ""
	case garbageUnknown:
		r.body = fmt.Appendf(nil, `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","surplus":true,"request":{"uid":%q,"kind":{"group":"","version":"v1","kind":"ConfigMap"},"resource":{"group":"","version":"v1","resource":"configmaps"},"namespace":"soak","operation":"CREATE","unknownRequestField":[1,2],"object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"unknown-%d","unknownMeta":"x"},"data":{"a":"b"},"unknownField":{"nested":1}}}}`, uid, j)
	}
	return r
}

// hugeReview is an AdmissionReview of a ConfigMap of 3 MiB.
func (g *generator) hugeReview() []byte {
	value := strings.Repeat("x", hugeSize)
	obj := fmt.Appendf(nil, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"huge","annotations":{"soak/huge":%q}},"data":{"a":"b"}}`, value)
	return admissionReview("soak-huge", example{
		object:    obj,
		namespace: "soak",
		kind:      metav1.GroupVersionKind{Version: "v1", Kind: "ConfigMap"},
		resource:  metav1.GroupVersionResource{Version: "v1", Resource: "configmaps"},
	})
}

// deepReview is an AdmissionReview whose object nests depth arrays.
func deepReview(uid string, depth int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":%q,"kind":{"group":"","version":"v1","kind":"ConfigMap"},"resource":{"group":"","version":"v1","resource":"configmaps"},"namespace":"soak","operation":"CREATE","object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"data":{"a":`, uid)
	b.WriteString(strings.Repeat("[", depth))
	b.WriteString(strings.Repeat("]", depth))
	b.WriteString(`}}}}`)
	return b.Bytes()
}

// admissionReview is a CREATE review of ex in namespace soak.
func admissionReview(uid string, ex example) []byte {
	r := admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID:       types.UID(uid),
			Kind:      ex.kind,
			Resource:  ex.resource,
			Namespace: ex.namespace,
			Operation: admissionv1.Create,
			Object:    runtime.RawExtension{Raw: ex.object},
		},
	}
	b, err := json.Marshal(r)
	if err != nil {
		// Only an object that is not JSON fails, and readExamples made
		// every one from JSON.
		panic(fmt.Sprintf("marshal review of %s: %v", ex.name, err))
	}
	return b
}

// readExamples reads every namespaced object of the YAML files under dir.
func readExamples(dir string) ([]example, error) {
	var out []example
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !slices.Contains([]string{".yaml", ".yml"}, filepath.Ext(path)) {
			return err
		}
		exs, err := readFile(path)
		out = append(out, exs...)
		return err
	})
	return out, err
}

func readFile(path string) ([]example, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []example
	dec := utilyaml.NewYAMLReader(bufio.NewReader(f))
	for n := 1; ; n++ {
		doc, err := dec.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: document %d: %w", path, n, err)
		}
		obj, err := yaml.YAMLToJSON(doc)
		if err != nil {
			return nil, fmt.Errorf("%s: document %d: %w", path, n, err)
		}
		var meta struct {
			metav1.TypeMeta
			Metadata struct {
				Namespace string `json:"namespace"`
			} `json:"metadata"`
		}
		if err := json.Unmarshal(obj, &meta); err != nil || meta.Kind == "" || meta.Kind == "Namespace" || meta.Kind == "List" {
			continue // comments only, a list, or cluster-scoped: not a review of namespace soak
		}
		gv, err := schema.ParseGroupVersion(meta.APIVersion)
		if err != nil {
			return nil, fmt.Errorf("%s: document %d: %w", path, n, err)
		}
		out = append(out, example{
			name:      fmt.Sprintf("%s#%d", path, n),
			object:    obj,
			namespace: cmp.Or(meta.Metadata.Namespace, "soak"),
			kind:      metav1.GroupVersionKind{Group: gv.Group, Version: gv.Version, Kind: meta.Kind},
			resource:  metav1.GroupVersionResource{Group: gv.Group, Version: gv.Version, Resource: plural(meta.Kind)},
		})
	}
}

// plural is the resource of a kind, as the API server names it for the
// kinds the examples hold.
func plural(kind string) string {
	k := strings.ToLower(kind)
	switch {
	case strings.HasSuffix(k, "y"):
		return strings.TrimSuffix(k, "y") + "ies"
	case strings.HasSuffix(k, "s"):
		return k + "es"
	}
	return k + "s"
}
