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

	"github.com/slotwise/slotcheck/internal/irvm"
)

// Engine holds the compiled policies and the rules they declare. It is safe
// for concurrent use: every evaluation gets its own input.
type Engine struct {
	rules     []*Rule
	byID      map[string]*Rule
	byPackage map[string]*Rule
	byFile    map[string]*Rule
	queries   map[queryKey]*query
	// reference evaluates with OPA's topdown instead of the planned program.
	reference bool
	keys      keys
	// workloadKinds are the kinds lib.k8s knows the pod template of.
	workloadKinds []string
}

// Option changes how New builds an engine.
type Option func(*options)

type options struct {
	reference bool
	folders   []Folder
}

// WithReferenceEvaluator makes the engine evaluate with OPA's topdown
// evaluator rather than with OPA's plan of the policies: several times
// slower, and the reference that slotcheck's tests hold the plans to.
func WithReferenceEvaluator() Option {
	return func(o *options) { o.reference = true }
}

// queryKey selects the rules one evaluation runs: those of a domain that
// apply in an environment (and, at admission, those admission evaluates).
type queryKey struct {
	domain      string
	environment string
	admission   bool
}

// query is a prepared evaluation of a set of rules, which it names by index:
// a plan of each rule's deny set (and of the domain's exemptions), or with
// the reference evaluator one topdown query naming them all.
type query struct {
	plan     *irvm.Query
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
	// Config is what a configuration file sets of the data some rules read
	// (input.config), such as IMG002's tag patterns; nil leaves every rule
	// its default, the standard's value.
	Config ast.Value
	// Today is the day exemptions' expiry dates are compared with, as
	// YYYY-MM-DD (input.today); "" leaves every exemption in date.
	Today string
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
	// Object names the object Path lies in when it is not the target: a
	// cross-object rule that blames another object's field (the HPA whose
	// bounds are wrong) while the finding stays the target's, for
	// exemptions. nil for the target itself.
	Object *ObjectRef
	// Suppressed violations carry the exemption's reason and never block.
	Suppressed bool
	Reason     string
}

// ObjectRef names an object of the inventory as a deny element's "object"
// does: kind, namespace ("" when its manifest leaves it unset) and name.
type ObjectRef struct {
	Kind, Namespace, Name string
}

// String names the object as kubectl does: Kind/namespace/name.
func (r ObjectRef) String() string {
	if r.Namespace != "" {
		return r.Kind + "/" + r.Namespace + "/" + r.Name
	}
	return r.Kind + "/" + r.Name
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
func New(ctx context.Context, fsys fs.FS, opts ...Option) (*Engine, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	modules, err := ParseModules(fsys, false)
	if err != nil {
		return nil, err
	}
	custom, err := addFolders(modules, o.folders)
	if err != nil {
		return nil, &PolicyError{err}
	}
	e := &Engine{
		reference: o.reference,
		keys:      newKeys(),
		byID:      map[string]*Rule{},
		byPackage: map[string]*Rule{},
		byFile:    map[string]*Rule{},
		queries:   map[queryKey]*query{},
	}
	e.workloadKinds = workloadKinds(modules)
	if e.rules, err = readRules(modules, custom); err != nil {
		return nil, &PolicyError{err}
	}
	domains := map[string]bool{}
	for _, r := range e.rules {
		e.byID[r.ID] = r
		e.byPackage[r.Package] = r
		e.byFile[r.File] = r
		domains[r.Domain] = true
	}
	exemptions := map[string]bool{}
	for _, m := range modules {
		pkg := strings.TrimPrefix(m.Package.Path.String(), "data.lib.")
		for _, r := range m.Rules {
			if r.Head.Name.String() == "exemptions" && domains[pkg] {
				exemptions[pkg] = true
			}
		}
	}
	var program *irvm.Program
	var compiler *ast.Compiler
	if e.reference {
		compiler = ast.NewCompiler().WithEnablePrintStatements(false)
		if compiler.Compile(modules); compiler.Failed() {
			return nil, &PolicyError{fmt.Errorf("compile policies: %w", compiler.Errors)}
		}
	} else if program, err = planPolicies(ctx, modules, e.rules, exemptions); err != nil {
		var astErrs ast.Errors
		if errors.As(err, &astErrs) {
			return nil, &PolicyError{err}
		}
		return nil, err
	}
	for domain := range domains {
		for _, env := range Environments() {
			for _, admission := range []bool{false, true} {
				key := queryKey{domain, env, admission}
				q, err := e.prepare(ctx, compiler, program, key, exemptions[domain])
				if err != nil {
					return nil, err
				}
				e.queries[key] = q
			}
		}
	}
	return e, nil
}

// planPolicies has OPA plan every rule's deny set and each domain's
// exemptions, and makes the plans a program. The modules are planned as
// parsed: OPA's compile step works on its own copy.
func planPolicies(ctx context.Context, modules map[string]*ast.Module, rules []*Rule, exemptions map[string]bool) (*irvm.Program, error) {
	var entrypoints []string
	for _, r := range rules {
		entrypoints = append(entrypoints, entrypoint(r.Package, "deny"))
	}
	for domain := range exemptions {
		entrypoints = append(entrypoints, entrypoint("lib."+domain, "exemptions"))
	}
	sort.Strings(entrypoints)
	program, err := irvm.Plan(ctx, modules, entrypoints)
	if err != nil {
		return nil, fmt.Errorf("plan policies: %w", err)
	}
	return program, nil
}

// entrypoint names the rule name of package pkg as OPA's planner does.
func entrypoint(pkg, name string) string {
	return strings.ReplaceAll(pkg, ".", "/") + "/" + name
}

// prepare compiles one query that names each rule's deny set. Naming the
// rules, rather than iterating over data.<domain>, keeps the evaluation from
// building every helper of every package, and leaves out the rules the key
// does not select; on a Deployment it is several times faster.
func (e *Engine) prepare(ctx context.Context, compiler *ast.Compiler, program *irvm.Program, key queryKey, exemptions bool) (*query, error) {
	q := &query{}
	var terms, plans []string
	for _, r := range e.rules {
		if r.Domain != key.domain || !r.AppliesIn(key.environment) || (key.admission && !r.Admission) {
			continue
		}
		terms = append(terms, "data."+r.Package+".deny")
		plans = append(plans, entrypoint(r.Package, "deny"))
		q.rules = append(q.rules, r)
	}
	if program != nil {
		if exemptions {
			plans = append(plans, entrypoint("lib."+key.domain, "exemptions"))
		}
		pq, err := program.Query(plans...)
		if err != nil {
			return nil, fmt.Errorf("prepare %s query: %w", key.domain, err)
		}
		q.plan = pq
		return q, nil
	}
	src := "violations := [" + strings.Join(terms, ", ") + "]"
	if exemptions {
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
		m, err := parseModule(fsys, p)
		if err != nil {
			return err
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

// parseModule parses one policy file of fsys, with its METADATA.
func parseModule(fsys fs.FS, p string) (*ast.Module, error) {
	src, err := fs.ReadFile(fsys, p)
	if err != nil {
		return nil, fmt.Errorf("read policy %s: %w", p, err)
	}
	m, err := ast.ParseModuleWithOpts(p, string(src), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
	if err != nil {
		return nil, fmt.Errorf("parse policy %s: %w", p, err)
	}
	return m, nil
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
		ast.Item(ast.InternedTerm(inputKey(in.Domain)), ast.NewTerm(orNull(in.Object))),
		ast.Item(e.keys.environment, ast.InternedTerm(in.Environment)),
		ast.Item(e.keys.profile, ast.NewTerm(orEmpty(in.Profile))),
		ast.Item(e.keys.inventory, ast.NewTerm(orEmpty(in.Inventory))),
	)
	if in.Config != nil {
		input.Insert(e.keys.config, ast.NewTerm(in.Config))
	}
	if in.Today != "" {
		input.Insert(e.keys.today, ast.StringTerm(in.Today))
	}
	sets, exemptions, builtinErrs, err := e.run(ctx, q, input)
	if err != nil {
		return nil, err
	}
	var exempt []exemption
	if exemptions != nil {
		for _, x := range exemptions.Slice() {
			m, _ := x.Value.(ast.Object)
			ex := exemption{}
			ex.id = stringField(m, e.keys.id)
			ex.reason = stringField(m, e.keys.reason)
			if p, ok := field(m, e.keys.path).(*ast.Array); ok {
				ex.path = normalizePath(p)
			}
			exempt = append(exempt, ex)
		}
		// Deterministic choice when several exemptions cover one finding.
		slices.SortFunc(exempt, func(a, b exemption) int { return strings.Compare(a.reason, b.reason) })
	}
	if len(sets) != len(q.rules) {
		return nil, fmt.Errorf("evaluate policies: %d rule results for %d rules", len(sets), len(q.rules))
	}
	n := 0
	for _, set := range sets {
		if set != nil {
			n += set.Len()
		}
	}
	out := make([]Violation, 0, n)
	for i, set := range sets {
		r := q.rules[i]
		if set == nil {
			continue
		}
		for _, raw := range set.Slice() {
			v, err := violationFrom(e.keys, r, raw)
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

// run evaluates a query on an input document: each rule's deny set (nil
// where undefined), the exemptions and the errors built-in functions raised.
func (e *Engine) run(ctx context.Context, q *query, input ast.Value) (sets []ast.Set, exemptions ast.Set, builtinErrs []topdown.Error, err error) {
	if e.reference {
		return q.evalTopdown(ctx, input)
	}
	res, err := q.plan.Eval(ctx, input)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("evaluate policies: %w", err)
	}
	sets = make([]ast.Set, 0, len(q.rules))
	for i, v := range res.Values {
		set, _ := valueOf(v).(ast.Set)
		if i < len(q.rules) {
			sets = append(sets, set)
		} else {
			exemptions = set
		}
	}
	for _, be := range res.BuiltinErrors {
		builtinErrs = append(builtinErrs, *be)
	}
	return sets, exemptions, builtinErrs, nil
}

// evalTopdown evaluates the query with OPA's topdown evaluator, the
// reference the plans are checked against.
func (q *query) evalTopdown(ctx context.Context, input ast.Value) (sets []ast.Set, exemptions ast.Set, builtinErrs []topdown.Error, err error) {
	// The results are read as the Rego values they are (keepTerm) rather than
	// converted to Go maps and slices first: that conversion cost more than
	// reading the few fields of each finding.
	rs, err := q.prepared.Eval(ctx, rego.EvalParsedInput(input), rego.EvalBuiltinErrorList(&builtinErrs), rego.EvalGenerateJSON(keepTerm))
	if err != nil {
		return nil, nil, nil, fmt.Errorf("evaluate policies: %w", err)
	}
	if len(rs) != 1 {
		return nil, nil, nil, fmt.Errorf("evaluate policies: %d results, want 1", len(rs))
	}
	exemptions, _ = termValue(rs[0].Bindings["exemptions"]).(ast.Set)
	arr, _ := termValue(rs[0].Bindings["violations"]).(*ast.Array)
	if arr == nil {
		return nil, nil, nil, errors.New("evaluate policies: no rule results")
	}
	for i := range arr.Len() {
		set, _ := arr.Elem(i).Value.(ast.Set)
		sets = append(sets, set)
	}
	return sets, exemptions, builtinErrs, nil
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

// keepTerm hands the results of an evaluation back as Rego values.
func keepTerm(t *ast.Term, _ *rego.EvalContext) (any, error) { return t, nil }

func valueOf(t *ast.Term) ast.Value {
	if t == nil {
		return nil
	}
	return t.Value
}

func termValue(x any) ast.Value {
	if t, ok := x.(*ast.Term); ok {
		return t.Value
	}
	return nil
}

// field is the value of key in m, nil when m is not an object or lacks it.
func field(m ast.Object, key *ast.Term) ast.Value {
	if m == nil {
		return nil
	}
	if t := m.Get(key); t != nil {
		return t.Value
	}
	return nil
}

func stringField(m ast.Object, key *ast.Term) string {
	s, _ := field(m, key).(ast.String)
	return string(s)
}

// keys are the fields the engine reads of findings and exemptions, made once
// rather than for every lookup.
type keys struct {
	msg, path, container, token, id, reason *ast.Term
	object, kind, namespace, name           *ast.Term
	config, today                           *ast.Term
	environment, profile, inventory         *ast.Term
}

func newKeys() keys {
	return keys{
		msg: ast.StringTerm("msg"), path: ast.StringTerm("path"), container: ast.StringTerm("container"),
		token: ast.StringTerm("token"), id: ast.StringTerm("id"), reason: ast.StringTerm("reason"),
		object: ast.StringTerm("object"), kind: ast.StringTerm("kind"), namespace: ast.StringTerm("namespace"),
		name:   ast.StringTerm("name"),
		config: ast.StringTerm("config"), today: ast.StringTerm("today"),
		environment: ast.StringTerm("environment"), profile: ast.StringTerm("profile"), inventory: ast.StringTerm("inventory"),
	}
}

// violationFrom checks the shape the contract in policies/README.md promises,
// so that a rule returning the wrong thing fails loudly instead of reporting
// a finding with no message or position.
func violationFrom(k keys, r *Rule, raw *ast.Term) (Violation, error) {
	m, ok := raw.Value.(ast.Object)
	if !ok {
		return Violation{}, fmt.Errorf("rule %s: deny element is %s, want an object", r.ID, ast.ValueName(raw.Value))
	}
	v := Violation{Rule: r}
	v.Message = stringField(m, k.msg)
	if v.Message == "" {
		return Violation{}, fmt.Errorf("rule %s: deny element has no msg", r.ID)
	}
	v.Container = stringField(m, k.container)
	v.Token = stringField(m, k.token)
	if o := field(m, k.object); o != nil {
		ref, err := objectRef(k, o)
		if err != nil {
			return Violation{}, fmt.Errorf("rule %s: %w", r.ID, err)
		}
		v.Object = ref
	}
	p, _ := field(m, k.path).(*ast.Array)
	if p == nil {
		return v, nil
	}
	v.Path = make([]any, 0, p.Len())
	for i := range p.Len() {
		switch s := p.Elem(i).Value.(type) {
		case ast.String:
			v.Path = append(v.Path, string(s))
		case ast.Number:
			n, ok := s.Int()
			if !ok {
				return Violation{}, fmt.Errorf("rule %s: path segment %v is not an integer", r.ID, s)
			}
			v.Path = append(v.Path, n)
		default:
			return Violation{}, fmt.Errorf("rule %s: path segment %v is %s", r.ID, s, ast.ValueName(s))
		}
	}
	return v, nil
}

// objectRef reads a deny element's "object": the kind and name it must
// give, and the namespace it may.
func objectRef(k keys, o ast.Value) (*ObjectRef, error) {
	m, ok := o.(ast.Object)
	if !ok {
		return nil, fmt.Errorf("deny element's object is %s, want an object", ast.ValueName(o))
	}
	ref := &ObjectRef{Kind: stringField(m, k.kind), Namespace: stringField(m, k.namespace), Name: stringField(m, k.name)}
	if ref.Kind == "" || ref.Name == "" {
		return nil, fmt.Errorf("deny element's object %v names no kind and name", m)
	}
	return ref, nil
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

// normalizePath turns a Rego path into Go values, its integers into ints.
func normalizePath(p *ast.Array) []any {
	out := make([]any, 0, p.Len())
	for i := range p.Len() {
		seg := p.Elem(i).Value
		if n, ok := seg.(ast.Number); ok {
			if k, ok := n.Int(); ok {
				out = append(out, k)
				continue
			}
		}
		x, _ := ast.JSON(seg)
		out = append(out, x)
	}
	return out
}

// inputKey is where a domain's rules find their target: input.object for
// Kubernetes objects, input.dockerfile for a Dockerfile's model,
// input.config_file for a configuration file's exemptions.
func inputKey(domain string) string {
	switch domain {
	case "dockerfile":
		return "dockerfile"
	case "config":
		return "config_file"
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
