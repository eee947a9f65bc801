// Package policytest runs the Rego tests of custom policy folders with
// OPA's tester, beside slotcheck's built-in rules and helpers, and holds
// their rules to the contract the built-in rules are held to: valid
// METADATA, and tests that show each rule both allowing and denying.
package policytest

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/tester"

	"github.com/slotwise/slotcheck/internal/rules"
)

// Options says which folders to test and how to report.
type Options struct {
	// Builtin is slotcheck's policy tree: its rules and helpers (and the
	// helpers' test fixtures under lib/) are loaded for the tests to use.
	Builtin fs.FS
	Folders []rules.Folder
	// Verbose reports every test, as opa test -v does, rather than only
	// the failures.
	Verbose bool
	Out     io.Writer
}

// Run tests the folders and reports as opa test does. It returns whether
// every test passed and every rule has its tests; a policy that breaks the
// contract, or a test file that does not compile, is a *rules.PolicyError.
func Run(ctx context.Context, opts Options) (bool, error) {
	engine, err := rules.New(ctx, opts.Builtin, rules.WithPolicies(opts.Folders...))
	if err != nil {
		return false, err
	}
	modules, tests, err := load(opts)
	if err != nil {
		return false, err
	}
	var custom []*rules.Rule
	for _, r := range engine.Rules() {
		if r.Custom {
			custom = append(custom, r)
		}
	}
	untested := rules.CheckTests(custom, modules)
	results, err := runTests(ctx, modules, tests)
	if err != nil {
		return false, err
	}
	for _, e := range untested {
		fmt.Fprintln(opts.Out, e)
	}
	if len(untested) > 0 {
		fmt.Fprintln(opts.Out)
	}
	passed := len(untested) == 0
	for _, r := range results {
		passed = passed && r.Pass()
	}
	ch := make(chan *tester.Result, len(results))
	for _, r := range results {
		ch <- r
	}
	close(ch)
	if err := (tester.PrettyReporter{Output: opts.Out, Verbose: opts.Verbose}).Report(ch); err != nil {
		return false, fmt.Errorf("report tests: %w", err)
	}
	return passed, nil
}

// load parses the built-in policies (the helpers' test fixtures, not the
// built-in rules' tests) and the folders with their tests, and returns the
// packages of the folders' tests, the ones to run.
func load(opts Options) (modules map[string]*ast.Module, tests []ast.Ref, err error) {
	builtin, err := rules.ParseModules(opts.Builtin, true)
	if err != nil {
		return nil, nil, err
	}
	modules = map[string]*ast.Module{}
	for name, m := range builtin {
		if !strings.HasSuffix(name, "_test.rego") || strings.HasPrefix(name, "lib/") {
			modules[name] = m
		}
	}
	for _, f := range opts.Folders {
		ms, err := rules.ParseFolder(f, true)
		if err != nil {
			return nil, nil, &rules.PolicyError{Err: err}
		}
		for _, name := range slices.Sorted(maps.Keys(ms)) {
			modules[name] = ms[name]
			if strings.HasSuffix(name, "_test.rego") {
				tests = append(tests, ms[name].Package.Path)
			}
		}
	}
	return modules, tests, nil
}

// runTests runs the tests of the packages named, sorted by file and line
// so that a report reads the same every run.
func runTests(ctx context.Context, modules map[string]*ast.Module, tests []ast.Ref) ([]*tester.Result, error) {
	if len(tests) == 0 {
		return nil, nil
	}
	ch, err := tester.NewRunner().
		SetDefaultRegoVersion(ast.RegoV1).
		SetModules(modules).
		SetPrefixMatchers(tests...).
		RaiseBuiltinErrors(true).
		RunTests(ctx, nil)
	if err != nil {
		return nil, &rules.PolicyError{Err: fmt.Errorf("compile tests: %w", err)}
	}
	var out []*tester.Result
	for r := range ch {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b *tester.Result) int {
		return cmp.Or(strings.Compare(a.Location.File, b.Location.File), cmp.Compare(a.Location.Row, b.Location.Row))
	})
	return out, nil
}
