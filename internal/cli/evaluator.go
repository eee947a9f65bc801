package cli

import (
	"fmt"

	"github.com/slotwise/slotcheck/internal/rules"
)

// EvaluatorVariable names the environment variable that picks the policy
// evaluator of both commands: "plans" (the default, OPA's plans run by
// slotcheck's own evaluator) or "topdown" (OPA's reference evaluator,
// slower), so that a user who doubts a verdict can check it without a
// rebuild.
const EvaluatorVariable = "SLOTCHECK_EVALUATOR"

// EvaluatorOptions turns the variable's value into the engine's options;
// an unknown value is a usage error that names the variable.
func EvaluatorOptions(value string) ([]rules.Option, error) {
	switch value {
	case "", "plans":
		return nil, nil
	case "topdown":
		return []rules.Option{rules.WithReferenceEvaluator()}, nil
	}
	return nil, UsageError{Err: fmt.Errorf("%s=%q: want plans or topdown", EvaluatorVariable, value)}
}
