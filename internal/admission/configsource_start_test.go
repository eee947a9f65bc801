package admission

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/apimachinery/pkg/util/wait"
)

// TestStartReadsAChangeBeforeTheWatch: a file changed after the first load
// but before Start watches its folder (no event will come) is in force
// once Start runs, not an hour later at the first poll.
func TestStartReadsAChangeBeforeTheWatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("version: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := NewConfigSource(ConfigSourceOptions{Path: path, Poll: time.Hour}, prometheus.NewRegistry(), logr.Discard())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(exemption("")), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- src.Start(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("start: %v", err)
		}
	}()
	// A bound far below the poll, far above any scheduling delay.
	if err := wait.PollUntilContextTimeout(ctx, 10*time.Millisecond, time.Minute, true, func(context.Context) (bool, error) {
		return len(src.Current().File().Exemptions) == 1, nil
	}); err != nil {
		t.Fatalf("the change made before the watch is not in force: %v", err)
	}
}
