package rules_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/policies"
)

// The kept plan is used, a damaged one is replaced, other policies get a
// plan of their own and the old one is removed; the verdicts never change.
func TestPlanCache(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	plans := func() []string {
		t.Helper()
		m, err := filepath.Glob(filepath.Join(dir, "plan-*.json"))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	judge := func(fsys fstest.MapFS) int {
		t.Helper()
		e, err := rules.New(ctx, fsys, rules.WithPlanCache(dir))
		if err != nil {
			t.Fatal(err)
		}
		obj := ast.MustParseTerm(`{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "x:latest"}]}}`).Value
		vs, err := e.Evaluate(ctx, rules.Input{Domain: "k8s", Object: obj, Environment: "production"})
		if err != nil {
			t.Fatal(err)
		}
		return len(vs)
	}
	fsys := fstest.MapFS{}
	for _, name := range []string{"k8s/img001/img001.rego", "lib/k8s/k8s.rego", "lib/k8s/images.rego"} {
		src, err := policies.FS().(interface{ ReadFile(string) ([]byte, error) }).ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		fsys[name] = &fstest.MapFile{Data: src}
	}
	want := judge(fsys)
	if want == 0 {
		t.Fatal("the policy found nothing to compare")
	}
	kept := plans()
	if len(kept) != 1 {
		t.Fatalf("kept %v, want one plan", kept)
	}
	if got := judge(fsys); got != want {
		t.Errorf("from the kept plan: %d violations, want %d", got, want)
	}
	if err := os.WriteFile(kept[0], []byte(`{"plans": `), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := judge(fsys); got != want {
		t.Errorf("with a damaged plan: %d violations, want %d", got, want)
	}
	if raw, _ := os.ReadFile(kept[0]); len(raw) < 100 {
		t.Errorf("the damaged plan was not replaced: %q", raw)
	}
	fsys["lib/k8s/extra.rego"] = &fstest.MapFile{Data: []byte("package lib.k8s\n\nunused := 1\n")}
	if got := judge(fsys); got != want {
		t.Errorf("changed policies: %d violations, want %d", got, want)
	}
	if now := plans(); len(now) != 1 || now[0] == kept[0] {
		t.Errorf("after a change kept %v, want one new plan in place of %v", now, kept)
	}
}
