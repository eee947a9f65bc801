package admission

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
	kjson "sigs.k8s.io/json"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/internal/source"
)

// FuzzHandler posts arbitrary bodies to the handler behind the HTTP handler
// the webhook serves with (Serve): every body gets a well-formed AdmissionReview (or
// a 4xx), never a panic or a server error, and an object that decodes is
// judged as the CLI judges the same bytes.
func FuzzHandler(f *testing.F) {
	root := repo(f)
	res := source.Load([]string{filepath.Join(root, "testdata", "examples")}, source.Options{WorkDir: root})
	for _, o := range res.Objects {
		if body, ok := reviewOf(f, o); ok {
			f.Add(body)
		}
	}
	c := &cluster{}
	h, _ := newHandler(f, c, Config{})
	hook := Serve(h)
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/validate", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		hook.ServeHTTP(rec, req)
		if rec.Code >= 400 && rec.Code < 500 {
			return
		}
		var review admissionv1.AdmissionReview
		if err := json.Unmarshal(rec.Body.Bytes(), &review); rec.Code != http.StatusOK || err != nil || review.Response == nil {
			t.Fatalf("HTTP %d, not an AdmissionReview: %v %.300s", rec.Code, err, rec.Body.String())
		}
		resp := review.Response
		if resp.Result != nil && resp.Result.Code >= 500 {
			t.Fatalf("server error %d: %s", resp.Result.Code, resp.Result.Message)
		}
		var in admissionv1.AdmissionReview
		if kjson.UnmarshalCaseSensitivePreserveInts(body, &in) != nil || in.Request == nil || in.Request.UID != resp.UID {
			return
		}
		deny, warn, judged := judgeAsCLI(t, h, in.Request)
		if !judged {
			return
		}
		var gotDeny []string
		if !resp.Allowed && resp.Result != nil {
			gotDeny = strings.Split(resp.Result.Message, "\n")[1:]
		}
		if !sameLines(deny, gotDeny) {
			t.Errorf("denials differ\nCLI:\n%s\nwebhook:\n%s", strings.Join(deny, "\n"), strings.Join(gotDeny, "\n"))
		}
		if fitted := fitWarnings(warn); len(fitted) == len(warn) && !sameLines(fitted, resp.Warnings) {
			t.Errorf("warnings differ\nCLI:\n%s\nwebhook:\n%s", strings.Join(fitted, "\n"), strings.Join(resp.Warnings, "\n"))
		}
	})
}

// reviewOf wraps a fixture object in the review an API server would send
// to create it.
func reviewOf(t testing.TB, o *source.Object) ([]byte, bool) {
	resource := strings.ToLower(o.Kind) + "s"
	if o.Domain != "k8s" || !reviewed(resource, "") {
		return nil, false
	}
	raw, err := ast.JSON(o.Value)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := json.Marshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	body, err := json.Marshal(admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID: "fuzz", Kind: metav1.GroupVersionKind{Kind: o.Kind}, Resource: metav1.GroupVersionResource{Resource: resource},
			Namespace: o.Namespace, Operation: admissionv1.Create, Object: kruntime.RawExtension{Raw: obj},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return body, true
}

// judgeAsCLI judges a request's object as the CLI judges a file of the
// same bytes, when the handler judges it at all: a creation, in a namespace
// the object names itself, that reads as one object.
func judgeAsCLI(t *testing.T, h *Handler, req *admissionv1.AdmissionRequest) (deny, warn []string, judged bool) {
	if _, _, skip := h.skip(admission.Request{AdmissionRequest: *req}); skip || req.Operation != admissionv1.Create {
		return nil, nil, false
	}
	res := source.Parse("object.json", req.Object.Raw, source.Options{})
	if len(res.Errors) > 0 || len(res.Objects) != 1 || res.Objects[0].Namespace != req.Namespace {
		return nil, nil, false
	}
	o := res.Objects[0]
	env := rules.ResolveEnvironment("", o.Namespace, o.File)
	findings, err := scan.Judge(context.Background(), h.engine, o, scan.Context{
		Environment: env, Profile: h.profiles[env], Inventory: rules.NewInventory(h.engine.Reads(false)).Value(o.Namespace),
	})
	if err != nil {
		return nil, nil, false
	}
	deny, warn = cliVerdict(findings)
	return deny, warn, true
}

func sameLines(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
