package scan_test

import (
	"context"
	"errors"
	"testing"

	"github.com/slotwise/slotcheck/internal/scan"
)

// TestRunStopsWhenCancelled: a cancelled scan reports the cancellation,
// never a partial report that would read as clean.
func TestRunStopsWhenCancelled(t *testing.T) {
	dir := t.TempDir()
	writeSet(t, dir, 200)
	e, err := testEngine()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep, err := scan.Run(ctx, e, scan.Options{Paths: []string{dir}, WorkDir: dir})
	if !errors.Is(err, context.Canceled) || rep != nil {
		t.Errorf("got report %v, error %v; want no report and context.Canceled", rep != nil, err)
	}
}
