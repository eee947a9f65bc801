package kube

import (
	"fmt"
	"strings"
	"testing"
)

func TestParsePath(t *testing.T) {
	tests := map[string]string{
		"spec.containers[1].image":    "[spec containers 1 image]",
		"spec.template.spec":          "[spec template spec]",
		"a[0][2].b":                   "[a 0 2 b]",
		"metadata.annotations[weird]": "[metadata annotations weird]",
		"":                            "[]",
	}
	for in, want := range tests {
		if got := fmt.Sprint(ParsePath(in)); got != want {
			t.Errorf("ParsePath(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestCheck(t *testing.T) {
	c := NewChecker()
	tests := []struct {
		name, apiVersion, kind, manifest string
		want                             []string
	}{
		{"valid pod", "v1", "Pod", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"i"}]}}`, nil},
		{"unknown field at its key", "v1", "Pod", `{"apiVersion":"v1","kind":"Pod","spec":{"containers":[{"name":"c","securityContext":{"readOnlyRootFileSystem":true}}]}}`,
			[]string{"[spec containers 0 securityContext readOnlyRootFileSystem] key=true loose=false: unknown field"}},
		{"type error without indexes, then the unknown field after it", "apps/v1", "Deployment",
			`{"apiVersion":"apps/v1","kind":"Deployment","spec":{"replicas":"3","template":{"spec":{"containers":[{"name":"c","bogus":1}]}}}}`,
			[]string{"[spec replicas] key=false loose=true: must be an integer, not a string", "[spec template spec containers 0 bogus] key=true loose=false: unknown field"}},
		{"inlined structs left out of the path", "v1", "Pod", `{"apiVersion":"v1","kind":"Pod","spec":{"volumes":[{"name":"v","fc":{"lun":"x"}}]}}`,
			[]string{"[spec volumes fc lun] key=false loose=true: must be an integer, not a string"}},
		{"secret placeholders are not base64 errors", "v1", "Secret", `{"apiVersion":"v1","kind":"Secret","data":{"password":"<base64-encoded-password>"}}`, nil},
		{"custom resources pass unchecked", "monitoring.coreos.com/v1", "ServiceMonitor", `{"spec":{"anything":true}}`, nil},
		{"unregistered versions pass unchecked", "apps/v9", "Deployment", `{"spec":{"anything":true}}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, p := range c.Check(tt.apiVersion, tt.kind, []byte(tt.manifest)) {
				msg, _, _ := strings.Cut(p.Message, ":")
				got = append(got, fmt.Sprintf("%v key=%v loose=%v: %s", p.Path, p.AtKey, p.Loose, msg))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestCheckMetadataOfCustomResources(t *testing.T) {
	problems := NewChecker().Check("example.com/v1", "Widget", []byte(`{"metadata":{"name":"w","annotations":["a"],"labelz":{}},"spec":{"free":1}}`))
	var got []string
	for _, p := range problems {
		got = append(got, fmt.Sprint(p.Path, " ", p.Message))
	}
	want := []string{"[metadata annotations] must be a mapping, not a list", "[metadata labelz] unknown field: the API server rejects it (check its spelling and indentation)"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
