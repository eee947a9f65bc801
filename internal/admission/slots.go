package admission

import (
	"context"
	"fmt"
)

// slots bounds how many reviews are judged at once to the processors the
// process may use. Judging is CPU-bound: more reviews judged at once do not
// finish sooner, they only hold more memory, and the garbage collector then
// scans as many deep evaluator stacks. A review waits for a slot in line,
// within its deadline.
type slots chan struct{}

func newSlots(n int) slots { return make(slots, max(n, 1)) }

// acquire takes a slot, or fails when ctx ends first.
func (s slots) acquire(ctx context.Context) error {
	select {
	case s <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting to be judged: %w", ctx.Err())
	}
}

func (s slots) release() { <-s }
