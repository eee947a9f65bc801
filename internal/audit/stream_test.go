package audit

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// TestStreamTake: a stream hands each namespace its objects, passes over
// those of namespaces not audited and those a full relist sends again, and
// reports why the listing stopped to every namespace from then on.
func TestStreamTake(t *testing.T) {
	tests := []struct {
		name       string
		listed     []string // namespace/name, in the order the server sends them
		err        error
		namespaces []string
		want       map[string][]string
		wantErr    map[string]bool
	}{
		{
			name:       "namespaces in key order, one not audited",
			listed:     []string{"a-b/z", "a/x", "a/y", "b/x", "c/x"},
			namespaces: []string{"a", "b", "c"},
			want:       map[string][]string{"a": {"x", "y"}, "b": {"x"}, "c": {"x"}},
		},
		{
			name:       "ns-a-b before ns-a, as - sorts before /",
			listed:     []string{"ns-a-b/y", "ns-a/x"},
			namespaces: []string{"ns-a-b", "ns-a"},
			want:       map[string][]string{"ns-a": {"x"}, "ns-a-b": {"y"}},
		},
		{
			name:       "a full relist after an expired continue token",
			listed:     []string{"a/x", "b/x", "a/x", "b/x", "b/y", "c/x"},
			namespaces: []string{"a", "b", "c"},
			want:       map[string][]string{"a": {"x"}, "b": {"x", "y"}, "c": {"x"}},
		},
		{
			name:       "a namespace without objects",
			listed:     []string{"a/x", "c/x"},
			namespaces: []string{"a", "b", "c"},
			want:       map[string][]string{"a": {"x"}, "c": {"x"}},
		},
		{
			name:       "the listing fails after a namespace",
			listed:     []string{"a/x", "b/x"},
			err:        errors.New("throttled"),
			namespaces: []string{"a", "b", "c"},
			want:       map[string][]string{"a": {"x"}, "b": {"x"}},
			wantErr:    map[string]bool{"b": true, "c": true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items := make(chan *unstructured.Unstructured, len(tt.listed))
			for _, l := range tt.listed {
				ns, name, _ := strings.Cut(l, "/")
				u := &unstructured.Unstructured{}
				u.SetNamespace(ns)
				u.SetName(name)
				items <- u
			}
			close(items)
			s := &stream{items: items, err: tt.err}
			got := map[string][]string{}
			for _, ns := range tt.namespaces {
				err := s.take(ns, func(u *unstructured.Unstructured) error {
					if u.GetNamespace() != ns {
						t.Errorf("%s/%s handed to namespace %s", u.GetNamespace(), u.GetName(), ns)
					}
					got[ns] = append(got[ns], u.GetName())
					return nil
				})
				if (err != nil) != tt.wantErr[ns] {
					t.Errorf("namespace %s: error %v, want one: %t", ns, err, tt.wantErr[ns])
				}
			}
			for _, ns := range tt.namespaces {
				if !slices.Equal(got[ns], tt.want[ns]) {
					t.Errorf("namespace %s got %v, want %v", ns, got[ns], tt.want[ns])
				}
			}
		})
	}
}
