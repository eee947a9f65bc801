// Package regoinputs records the input documents the Rego tests evaluate
// the rules on: the differential test, the parity tests and the fuzz seeds
// draw their corpus from it, so that it grows with every Rego test written.
package regoinputs

import (
	"context"
	"fmt"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/tester"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// minimum is fewer inputs than the Rego tests give: below it, the tracer
// has stopped seeing them, and a corpus that small would test little.
const minimum = 300

// Record runs the Rego tests of modules and returns every distinct input a
// rule's deny set was evaluated on, in the order first seen.
func Record(ctx context.Context, modules map[string]*ast.Module) ([]ast.Value, error) {
	rec := &recorder{seen: map[string]bool{}}
	ch, err := tester.NewRunner().SetModules(modules).SetCoverageQueryTracer(rec).Run(ctx, modules)
	if err != nil {
		return nil, fmt.Errorf("run the Rego tests: %w", err)
	}
	for range ch {
	}
	if len(rec.inputs) < minimum {
		return nil, fmt.Errorf("recorded %d inputs from the Rego tests, want hundreds", len(rec.inputs))
	}
	return rec.inputs, nil
}

// recorder keeps every distinct input document a rule's deny set is
// evaluated on. The runner runs tests in parallel, hence the lock.
type recorder struct {
	mu     sync.Mutex
	seen   map[string]bool
	inputs []ast.Value
}

func (r *recorder) Enabled() bool { return true }

func (r *recorder) Config() topdown.TraceConfig { return topdown.TraceConfig{} }

func (r *recorder) TraceEvent(ev topdown.Event) {
	rule, ok := ev.Node.(*ast.Rule)
	if ev.Op != topdown.EnterOp || !ok || rule.Head.Name.String() != "deny" || ev.Input() == nil {
		return
	}
	key := ev.Input().String()
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.seen[key] {
		r.seen[key] = true
		r.inputs = append(r.inputs, ev.Input().Value)
	}
}
