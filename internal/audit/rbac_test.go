package audit

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/yaml"
)

// TestDocumentedClusterRole holds the ClusterRole of docs/audit.md to what
// an audit lists (Resources): get and list on each, nothing more. A rule
// that reads a new kind fails here until the documentation grants it.
func TestDocumentedClusterRole(t *testing.T) {
	want := map[string]bool{}
	for _, r := range Resources(newEngine(t)) {
		want[r.Group+"/"+r.Resource] = true
	}
	got := map[string]bool{}
	for _, rule := range documentedClusterRole(t).Rules {
		if !slices.Equal(rule.Verbs, []string{"get", "list"}) {
			t.Errorf("the ClusterRole grants %v on %v: the audit needs get and list, and only reads", rule.Verbs, rule.Resources)
		}
		for _, g := range rule.APIGroups {
			for _, r := range rule.Resources {
				got[g+"/"+r] = true
			}
		}
	}
	for _, key := range slices.Sorted(maps.Keys(want)) {
		if !got[key] {
			t.Errorf("the audit lists %s, which the ClusterRole of docs/audit.md does not grant", key)
		}
	}
	for _, key := range slices.Sorted(maps.Keys(got)) {
		if !want[key] {
			t.Errorf("the ClusterRole of docs/audit.md grants %s, which the audit never lists: drop it", key)
		}
	}
}

// documentedClusterRole is the YAML block of docs/audit.md that holds a
// ClusterRole.
func documentedClusterRole(t *testing.T) rbacv1.ClusterRole {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "..", "docs", "audit.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, block := range strings.Split(string(src), "```yaml\n")[1:] {
		body, _, _ := strings.Cut(block, "```")
		var role rbacv1.ClusterRole
		if err := yaml.UnmarshalStrict([]byte(body), &role); err == nil && role.Kind == "ClusterRole" {
			return role
		}
	}
	t.Fatal("docs/audit.md has no ClusterRole in a yaml block")
	return rbacv1.ClusterRole{}
}
