package audit

import (
	"os"
	"path/filepath"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/slotwise/slotcheck/internal/kube"
	"github.com/slotwise/slotcheck/internal/source"
)

// TestObjectAsTheLoaderReadsIt: an object the checker accepts, turned
// into its Rego value directly, is the value, kind, name and namespace the
// loader reads from its JSON, for every example manifest, decoded as the
// dynamic client decodes a LIST (integers as int64).
func TestObjectAsTheLoaderReadsIt(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "examples", "*", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	checker := kube.NewChecker()
	direct := 0
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range source.Parse(file, src, source.Options{Checker: checker}).Objects {
			raw, ok := kube.AppendJSON(nil, o.Value)
			if !ok {
				t.Fatalf("%s: %s %s is not JSON", file, o.Kind, o.Name)
			}
			u := &unstructured.Unstructured{}
			if err := u.UnmarshalJSON(raw); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			got, perr := object(u, checker)
			if perr != nil {
				t.Errorf("%s: %s: %s", file, perr.File, perr.Message)
				continue
			}
			if got.Value.Compare(o.Value) != 0 || got.Kind != o.Kind || got.Name != o.Name || got.Namespace != o.Namespace || got.APIVersion != o.APIVersion {
				t.Errorf("%s: %s %s/%s read as\n  %v\nthe loader reads\n  %v", file, o.Kind, o.Namespace, o.Name, got.Value, o.Value)
			}
			if got.Node.Line == 0 {
				direct++
			}
		}
	}
	if direct == 0 {
		t.Fatal("no object was read directly: the test proves nothing")
	}
}
