// Package rules is slotcheck's engine: it compiles the Rego policies once,
// reads every rule's metadata from them, and evaluates targets against them.
// It knows nothing of files, reports or admission: callers hand it Rego values.
package rules

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// Engine holds the compiled policies and the rules they declare. It is safe
// for concurrent use: every evaluation gets its own input.
type Engine struct {
	rules     []*Rule
	byID      map[string]*Rule
	byPackage map[string]*Rule
	byFile    map[string]*Rule
	queries   map[queryKey]*query
}

// queryKey selects the rules one evaluation runs: those of a domain that
// apply in an environment (and, at admission, those admission evaluates).
type queryKey struct {
	domain      string
	environment string
	admission   bool
}

// query is a prepared evaluation of a set of rules, which it names by index.
type query struct {
	prepared rego.PreparedEvalQuery
	rules    []*Rule
}

// Input is one target as the rules see it.
type Input struct {
	// Domain selects the rules: "k8s" for Kubernetes objects.
	Domain string
	// Object is the target itself.
	Object ast.Value
	// Environment is development, staging or production.
	Environment string
	// Profile is the environment's profile (replicas, resources, autoscaling).
	Profile ast.Value
	// Inventory holds the other objects cross-object rules read.
	Inventory ast.Value
	// Admission leaves out rules that only make sense on files in a repository.
	Admission bool
}

// Violation is one rule broken by one target.
type Violation struct {
	Rule     *Rule
	Severity Severity
	Message  string
	// Path is the offending field inside the object: strings and ints.
	Path      []any
	Container string
	// Token is the offending text, for a column where the path alone gives a
	// line (a Dockerfile instruction's argument).
	Token string
	// Suppressed violations carry the exemption's reason and never block.
	Suppressed bool
	Reason     string
}

// EvalError reports rules that could not be evaluated on a target, typically
// a value a built-in function cannot read (a malformed resource quantity).
// Such a target has not been judged, so callers must never treat it as clean.
type EvalError struct {
	Problems []string
}

func (e *EvalError) Error() string {
	return "policy evaluation failed: " + strings.Join(e.Problems, "; ")
}

// New compiles the policies in fsys (test files left out) and reads their
// metadata. Every package under a domain folder must declare a complete rule.
func New(ctx context.Context, fsys fs.FS) (*Engine, error) {
	modules, err := ParseModules(fsys, false)
	if err != nil {
		return nil, err
	}
	compiler := ast.NewCompiler().WithEnablePrintStatements(false)
	if compiler.Compile(modules); compiler.Failed() {
		return nil, fmt.Errorf("compile policies: %w", compiler.Errors)
	}
	e := &Engine{
		byID:      map[string]*Rule{},
		byPackage: map[string]*Rule{},
		byFile:    map[string]*Rule{},
		queries:   map[queryKey]*query{},
	}
	domains := map[string]bool{}
	names := make([]string, 0, len(modules))
	for name := range modules {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		m := modules[name]
		pkg := strings.TrimPrefix(m.Package.Path.String(), "data.")
		if strings.HasPrefix(pkg, "lib.") {
			continue
		}
		var pkgAnnotation *ast.Annotations
		for _, a := range m.Annotations {
			if a.Scope == "package" {
				pkgAnnotation = a
			}
		}
		r, err := ruleFromAnnotations(name, pkg, pkgAnnotation)
		if err != nil {
			return nil, err
		}
		if other, dup := e.byID[r.ID]; dup {
			return nil, fmt.Errorf("rule id %s declared twice: %s and %s", r.ID, other.File, r.File)
		}
		e.rules = append(e.rules, r)
		e.byID[r.ID] = r
		e.byPackage[pkg] = r
		e.byFile[name] = r
		domains[r.Domain] = true
	}
	sort.Slice(e.rules, func(i, j int) bool { return e.rules[i].ID < e.rules[j].ID })
	for domain := range domains {
		for _, env := range Environments() {
			for _, admission := range []bool{false, true} {
				key := queryKey{domain, env, admission}
				q, err := e.prepare(ctx, compiler, key)
				if err != nil {
					return nil, err
				}
				e.queries[key] = q
			}
		}
	}
	return e, nil
}

// prepare compiles one query that names each rule's deny set. Naming the
// rules, rather than iterating over data.<domain>, keeps the evaluation from
// building every helper of every package, and leaves out the rules the key
// does not select; on a Deployment it is several times faster.
func (e *Engine) prepare(ctx context.Context, compiler *ast.Compiler, key queryKey) (*query, error) {
	q := &query{}
	var terms []string
	for _, r := range e.rules {
		if r.Domain != key.domain || !r.AppliesIn(key.environment) || (key.admission && !r.Admission) {
			continue
		}
		terms = append(terms, "data."+r.Package+".deny")
		q.rules = append(q.rules, r)
	}
	src := "violations := [" + strings.Join(terms, ", ") + "]"
	if compiler.RuleTree.Find(ast.MustParseRef("data.lib."+key.domain+".exemptions")) != nil {
		src += "; exemptions := data.lib." + key.domain + ".exemptions"
	}
	pq, err := rego.New(rego.Compiler(compiler), rego.Query(src)).PrepareForEval(ctx)
	if err != nil {
		return nil, fmt.Errorf("prepare %s query: %w", key.domain, err)
	}
	q.prepared = pq
	return q, nil
}

// ParseModules reads every .rego file of fsys, keyed by path; test files
// (_test.rego) are included only when asked.
func ParseModules(fsys fs.FS, withTests bool) (map[string]*ast.Module, error) {
	modules := map[string]*ast.Module{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || path.Ext(p) != ".rego" || (!withTests && strings.HasSuffix(p, "_test.rego")) {
			return nil
		}
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return fmt.Errorf("read policy %s: %w", p, err)
		}
		m, err := ast.ParseModuleWithOpts(p, string(src), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
		if err != nil {
			return fmt.Errorf("parse policy %s: %w", p, err)
		}
		modules[p] = m
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(modules) == 0 {
		return nil, errors.New("no policies found")
	}
	return modules, nil
}

// Rules returns every rule, sorted by id.
func (e *Engine) Rules() []*Rule { return slices.Clone(e.rules) }

// Rule looks a rule up by id, case-insensitively.
func (e *Engine) Rule(id string) (*Rule, bool) {
	r, ok := e.byID[strings.ToUpper(strings.TrimSpace(id))]
	return r, ok
}

// Evaluate runs every rule of the input's domain that applies in its
// environment. Violations of rules the object exempts with a reason come back
// suppressed. When some rule could not be evaluated, the violations found are
// returned together with an *EvalError.
func (e *Engine) Evaluate(ctx context.Context, in Input) ([]Violation, error) {
	q, ok := e.queries[queryKey{in.Domain, in.Environment, in.Admission}]
	if !ok {
		return nil, fmt.Errorf("no rules for domain %q in environment %q", in.Domain, in.Environment)
	}
	input := ast.NewObject(
		ast.Item(ast.StringTerm(inputKey(in.Domain)), ast.NewTerm(orNull(in.Object))),
		ast.Item(ast.StringTerm("environment"), ast.StringTerm(in.Environment)),
		ast.Item(ast.StringTerm("profile"), ast.NewTerm(orEmpty(in.Profile))),
		ast.Item(ast.StringTerm("inventory"), ast.NewTerm(orEmpty(in.Inventory))),
	)
	var builtinErrs []topdown.Error
	rs, err := q.prepared.Eval(ctx, rego.EvalParsedInput(input), rego.EvalBuiltinErrorList(&builtinErrs))
	if err != nil {
		return nil, fmt.Errorf("evaluate policies: %w", err)
	}
	if len(rs) != 1 {
		return nil, fmt.Errorf("evaluate policies: %d results, want 1", len(rs))
	}
	var exempt []exemption
	if raw, ok := rs[0].Bindings["exemptions"].([]any); ok {
		for _, x := range raw {
			m, _ := x.(map[string]any)
			ex := exemption{}
			ex.id, _ = m["id"].(string)
			ex.reason, _ = m["reason"].(string)
			if p, ok := m["path"].([]any); ok {
				ex.path = normalizePath(p)
			}
			exempt = append(exempt, ex)
		}
		// Deterministic choice when several exemptions cover one finding.
		slices.SortFunc(exempt, func(a, b exemption) int { return strings.Compare(a.reason, b.reason) })
	}
	sets, _ := rs[0].Bindings["violations"].([]any)
	if len(sets) != len(q.rules) {
		return nil, fmt.Errorf("evaluate policies: %d rule results for %d rules", len(sets), len(q.rules))
	}
	var out []Violation
	for i, set := range sets {
		r := q.rules[i]
		elems, _ := set.([]any)
		for _, raw := range elems {
			v, err := violationFrom(r, raw)
			if err != nil {
				return nil, err
			}
			v.Severity = r.SeverityIn(in.Environment)
			for _, ex := range exempt {
				if ex.covers(r.ID, v.Path) {
					v.Suppressed, v.Reason = true, ex.reason
					break
				}
			}
			out = append(out, v)
		}
	}
	if len(builtinErrs) > 0 {
		return out, e.evalError(builtinErrs)
	}
	return out, nil
}

func (e *Engine) evalError(errs []topdown.Error) *EvalError {
	ee := &EvalError{}
	for _, be := range errs {
		who := "policy"
		if be.Location != nil {
			who = be.Location.File
			if r, ok := e.byFile[be.Location.File]; ok {
				who = r.ID
			}
		}
		ee.Problems = append(ee.Problems, fmt.Sprintf("%s: %s", who, be.Message))
	}
	sort.Strings(ee.Problems)
	ee.Problems = slices.Compact(ee.Problems)
	return ee
}

// violationFrom checks the shape the contract in policies/README.md promises,
// so that a rule returning the wrong thing fails loudly instead of reporting
// a finding with no message or position.
func violationFrom(r *Rule, raw any) (Violation, error) {
	m, ok := raw.(map[string]any)
	if !ok {
		return Violation{}, fmt.Errorf("rule %s: deny element is %T, want an object", r.ID, raw)
	}
	v := Violation{Rule: r}
	v.Message, _ = m["msg"].(string)
	if v.Message == "" {
		return Violation{}, fmt.Errorf("rule %s: deny element has no msg", r.ID)
	}
	v.Container, _ = m["container"].(string)
	v.Token, _ = m["token"].(string)
	p, _ := m["path"].([]any)
	for _, seg := range p {
		switch s := seg.(type) {
		case string:
			v.Path = append(v.Path, s)
		case float64:
			v.Path = append(v.Path, int(s))
		case int:
			v.Path = append(v.Path, s)
		default:
			if n, ok := seg.(interface{ Int64() (int64, error) }); ok {
				i, err := n.Int64()
				if err == nil {
					v.Path = append(v.Path, int(i))
					continue
				}
			}
			return Violation{}, fmt.Errorf("rule %s: path segment %v is %T", r.ID, seg, seg)
		}
	}
	return v, nil
}

// exemption suppresses a rule for a whole object (no path), as Kubernetes
// annotations do, or for the part of it at path and below, as a Dockerfile's
// ignore comment does for one instruction.
type exemption struct {
	id, reason string
	path       []any
}

func (ex exemption) covers(id string, path []any) bool {
	if ex.id != id || len(path) < len(ex.path) {
		return false
	}
	for i, seg := range ex.path {
		if path[i] != seg {
			return false
		}
	}
	return true
}

// normalizePath turns JSON numbers of a Rego path into ints.
func normalizePath(p []any) []any {
	out := make([]any, 0, len(p))
	for _, seg := range p {
		if n, ok := seg.(interface{ Int64() (int64, error) }); ok {
			if i, err := n.Int64(); err == nil {
				out = append(out, int(i))
				continue
			}
		}
		out = append(out, seg)
	}
	return out
}

// inputKey is where a domain's rules find their target: input.object for
// Kubernetes objects, input.dockerfile for a Dockerfile's model.
func inputKey(domain string) string {
	if domain == "dockerfile" {
		return "dockerfile"
	}
	return "object"
}

func orNull(v ast.Value) ast.Value {
	if v == nil {
		return ast.Null{}
	}
	return v
}

func orEmpty(v ast.Value) ast.Value {
	if v == nil {
		return ast.NewObject()
	}
	return v
}
