package scan_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/slotwise/slotcheck/internal/scan"
)

// TestOneImageProblemOneFinding: IMG001 and IMG002 together give one
// finding at an image's position, whichever of them owns the problem, and
// a release tag with or without v (8.8.0, 1.27.3-alpine) gives none.
func TestOneImageProblemOneFinding(t *testing.T) {
	engine, err := testEngine()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, image string
		want        []string
	}{
		{name: "untagged", image: "redis", want: []string{"IMG001"}},
		{name: "untagged behind a registry port", image: "registry:5000/redis", want: []string{"IMG001"}},
		{name: "latest", image: "redis:latest", want: []string{"IMG001"}},
		{name: "channel", image: "redis:stable", want: []string{"IMG002"}},
		{name: "bare minor", image: "redis:8.8", want: []string{"IMG002"}},
		{name: "latest with a short digest", image: "redis:latest@sha256:abc", want: []string{"IMG002"}},
		{name: "release without v", image: "redis:8.8.0", want: nil},
		{name: "release with a suffix", image: "nginx:1.27.3-alpine", want: nil},
		{name: "release with v", image: "api:v1.0.0", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, filepath.Join(dir, "deployment.yaml"), strings.Replace(deployment, "image: api:v1.0.0", "image: "+tt.image, 1))
			rep, err := scan.Run(context.Background(), engine, scan.Options{Paths: []string{dir}, WorkDir: dir, Environment: "production"})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for f := range rep.All() {
				if f.FieldPath == "spec.template.spec.containers[0].image" && slices.Contains([]string{"IMG001", "IMG002"}, f.Rule.ID) {
					got = append(got, f.Rule.ID)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("%s: %v at the image, want %v", tt.image, got, tt.want)
			}
		})
	}
}
