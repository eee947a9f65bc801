package admission

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/slotwise/slotcheck/internal/kube"
	"github.com/slotwise/slotcheck/internal/regoinputs"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/internal/source"
	"github.com/slotwise/slotcheck/policies"
)

// The webhook reads a review's object with source.JSONReader, straight from
// its JSON; the CLI's loader (source.Parse, through yaml.v3 nodes) is the
// reference it is held to. On the same bytes both must read the same
// objects, with the same Rego values and input errors, and the rules must
// find the same findings at the same field paths in them.

// readerCase is one document both readers read.
type readerCase struct {
	name string
	src  []byte
}

// readerEdgeCases are documents where the two readers could plausibly part:
// the YAML-specific handling of nulls, duplicates, numbers and strings, the
// header fields (apiVersion, kind, metadata) read before the object, Lists,
// and the strict check's problems and their paths.
var readerEdgeCases = []readerCase{
	{"null fields are unset", []byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":null},"spec":{"containers":[{"name":"a","image":null,"args":[null,"x"]}]}}`)},
	{"duplicate key", []byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","name":"q"}}`)},
	{"duplicate of a null key", []byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":null,"name":"q"}}`)},
	{"numbers", []byte(`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","annotations":{"a":"1"}},"spec":{"replicas":3,"minReadySeconds":-0,"revisionHistoryLimit":1.0,"progressDeadlineSeconds":1e3,"template":{"spec":{"containers":[{"name":"a","image":"a:1","ports":[{"containerPort":80.5}]}]}}}}`)},
	{"big numbers", []byte(`{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"a":12345678901234567890,"b":123456789012345678901234567890,"c":1e400,"d":-9223372036854775808,"e":0.1e-5}}`)},
	{"string escapes", []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c\u0061","namespace":"n\t"},"data":{"k\"":"\u003chtml\u003e \\ \n caf\u00e9 ü"}}`)},
	{"header as numbers and literals", []byte(`{"apiVersion":1,"kind":true,"metadata":{"name":5,"namespace":false}}`)},
	{"null kind", []byte(`{"apiVersion":"v1","kind":null,"metadata":{"name":"p"}}`)},
	{"null name and namespace", []byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":null,"namespace":null}}`)},
	{"no kind", []byte(`{"apiVersion":"v1","metadata":{"name":"p","name":"dup"}}`)},
	{"tool configuration", []byte(`{"apiVersion":"kustomize.config.k8s.io/v1beta1","kind":"Kustomization","resources":[]}`)},
	{"array", []byte(`[{"apiVersion":"v1","kind":"Pod"}]`)},
	{"string", []byte(`"null"`)},
	{"null", []byte(`null`)},
	{"List", []byte(`{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}},3,null,{"apiVersion":"v1","kind":"PodList","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"b","name":"c"}}]}],"other":{"x":1,"x":2}}`)},
	{"List without a list", []byte(`{"apiVersion":"v1","kind":"PodList","items":{"a":1}}`)},
	{"List of null", []byte(`{"apiVersion":"v1","kind":"PodList","items":null}`)},
	{"unknown and mistyped fields", []byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labelz":{}},"spec":{"containers":[{"name":"a","image":"a:1"},{"name":"b","image":5,"securityContext":{"readOnlyRootFileSystem":true}}],"hostNetwork":"yes"}}`)},
	{"mistyped field after a null one", []byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":null},{"name":"b","image":5}]}}`)},
	{"mistyped metadata of a custom resource", []byte(`{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":["w"]}}`)},
	{"Secret data", []byte(`{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"password":"<base64-encoded-password>"}}`)},
	{"deep nesting", []byte(`{"apiVersion":"example.com/v1","kind":"Widget","spec":` + strings.Repeat("[", 600) + strings.Repeat("]", 600) + `}`)},
	{"deep nesting of a skipped document", []byte(`{"spec":` + strings.Repeat("[", 600) + strings.Repeat("]", 600) + `}`)},
}

func TestJSONReaderMatchesParse(t *testing.T) {
	engine := compile(t)
	checker := kube.NewChecker()
	reader := source.NewJSONReader(checker)
	profiles, err := rules.BuiltinProfiles()
	if err != nil {
		t.Fatal(err)
	}
	cases := append(slices.Clone(readerEdgeCases), readerCorpus(t)...)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			compareReaders(t, engine, profiles, checker, reader, c.src, false)
		})
	}
}

// FuzzJSONReader holds the JSON reader to the reference on arbitrary bytes:
// JSON that is not valid is an input error; valid JSON reads as the
// reference reads it, objects, values, errors and findings alike, except
// where YAML reads valid JSON otherwise than the API server does (a syntax
// error to YAML, or a line break YAML folds: NEL, LS, PS), where the JSON
// reader follows the API server. Seeds: the readerEdgeCases, the objects of
// the repository's examples and every object a Rego test gives a rule.
func FuzzJSONReader(f *testing.F) {
	for _, c := range append(slices.Clone(readerEdgeCases), readerCorpus(f)...) {
		f.Add(c.src)
	}
	engine := compile(f)
	checker := kube.NewChecker()
	reader := source.NewJSONReader(checker)
	profiles, err := rules.BuiltinProfiles()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		compareReaders(t, engine, profiles, checker, reader, src, true)
	})
}

// compareReaders reads src with both readers and compares what they read.
// lenient lets valid JSON that YAML reads otherwise than JSON differ.
func compareReaders(t *testing.T, engine *rules.Engine, profiles *rules.Profiles, checker *kube.Checker, reader *source.JSONReader, src []byte, lenient bool) {
	t.Helper()
	got := reader.Parse("admission-request", src)
	if !json.Valid(src) {
		if len(got.Errors) == 0 {
			t.Fatalf("invalid JSON read without an error: %d objects", len(got.Objects))
		}
		return
	}
	want := source.Parse("admission-request", src, source.Options{Checker: checker})
	if lenient && (bytes.Contains(src, []byte("\u0085")) || bytes.Contains(src, []byte("\u2028")) || bytes.Contains(src, []byte("\u2029")) ||
		slices.ContainsFunc(want.Errors, func(e source.Error) bool { return strings.HasPrefix(e.Message, "invalid YAML: ") })) {
		return
	}
	if g, w := errorMessages(got), errorMessages(want); !slices.Equal(g, w) {
		t.Fatalf("errors\n%s\nreference\n%s", strings.Join(g, "\n"), strings.Join(w, "\n"))
	}
	if got.Skipped != want.Skipped || len(got.Objects) != len(want.Objects) {
		t.Fatalf("%d objects, %d skipped; reference %d objects, %d skipped", len(got.Objects), got.Skipped, len(want.Objects), want.Skipped)
	}
	for i, g := range got.Objects {
		w := want.Objects[i]
		if g.APIVersion != w.APIVersion || g.Kind != w.Kind || g.Name != w.Name || g.Namespace != w.Namespace {
			t.Fatalf("object %s %s, reference %s %s", g.APIVersion, source.ObjectName(g.Kind, g.Namespace, g.Name), w.APIVersion, source.ObjectName(w.Kind, w.Namespace, w.Name))
		}
		if g.Value.Compare(w.Value) != 0 {
			t.Fatalf("%s value\n%v\nreference\n%v", source.ObjectName(g.Kind, g.Namespace, g.Name), g.Value, w.Value)
		}
		if gf, wf := findingLines(t, engine, profiles, g), findingLines(t, engine, profiles, w); !slices.Equal(gf, wf) {
			t.Fatalf("%s findings\n%s\nreference\n%s", source.ObjectName(g.Kind, g.Namespace, g.Name), strings.Join(gf, "\n"), strings.Join(wf, "\n"))
		}
	}
}

func errorMessages(res *source.Result) []string {
	out := make([]string, 0, len(res.Errors))
	for _, e := range res.Errors {
		out = append(out, e.Message)
	}
	return out
}

// findingLines judges an object as the webhook does, in production, and
// writes each finding with what the webhook reports of it (everything but
// its position), sorted.
func findingLines(t *testing.T, engine *rules.Engine, profiles *rules.Profiles, o *source.Object) []string {
	t.Helper()
	profile, err := profiles.Value("production")
	if err != nil {
		t.Fatal(err)
	}
	findings, err := scan.Judge(context.Background(), engine, o, scan.Context{
		Environment: "production", Profile: profile, Inventory: ast.NewObject(), Admission: true, Today: "2026-12-07",
	})
	if err != nil {
		return []string{"error: " + err.Error()}
	}
	out := make([]string, 0, len(findings))
	for _, f := range findings {
		out = append(out, fmt.Sprintf("%s %s %s (%s, %s) suppressed=%v %s", f.Rule.ID, f.Severity, f.Message, f.FieldPath, f.Container, f.Suppressed, f.Reason))
	}
	slices.Sort(out)
	return out
}

// readerCorpus is the objects of the repository's examples, as the API
// server would send them, and every Kubernetes object a Rego test gives a
// rule, as JSON.
func readerCorpus(t testing.TB) []readerCase {
	t.Helper()
	root := repo(t)
	var out []readerCase
	res := source.Load([]string{filepath.Join(root, "testdata", "examples")}, source.Options{WorkDir: root})
	for i, o := range res.Objects {
		if o.Domain == "k8s" {
			out = append(out, readerCase{fmt.Sprintf("example %d %s", i, source.ObjectName(o.Kind, o.Namespace, o.Name)), valueJSON(t, o.Value)})
		}
	}
	for i, input := range regoTestInputs(t) {
		obj, ok := input.(ast.Object)
		if !ok {
			continue
		}
		if o := obj.Get(ast.StringTerm("object")); o != nil {
			out = append(out, readerCase{fmt.Sprintf("Rego test input %d", i), valueJSON(t, o.Value)})
		}
	}
	return out
}

func valueJSON(t testing.TB, v ast.Value) []byte {
	t.Helper()
	raw, err := ast.JSON(v)
	if err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// regoTestInputs runs the Rego tests and returns every distinct input a
// rule's deny set was evaluated on, in the order first seen (as the rules
// package's differential test records them).
func regoTestInputs(t testing.TB) []ast.Value {
	t.Helper()
	ctx := context.Background()
	modules, err := rules.ParseModules(policies.FS(), true)
	if err != nil {
		t.Fatal(err)
	}
	inputs, err := regoinputs.Record(ctx, modules)
	if err != nil {
		t.Fatal(err)
	}
	return inputs
}
