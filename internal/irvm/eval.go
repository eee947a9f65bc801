package irvm

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/topdown"
	"github.com/open-policy-agent/opa/v1/topdown/builtins"
)

// Query is a list of a program's plans evaluated together: the rules they
// share are computed once per evaluation.
type Query struct {
	plans []*plan
	funcs int
	data  *ast.Term
	empty ast.Set
	pure  pureCache
	// evaluators are reused: each holds several kilobytes of frames and
	// memo tables that a scan of many objects would otherwise allocate anew
	// for every one.
	evaluators sync.Pool
}

// Query selects plans by name.
func (p *Program) Query(names ...string) (*Query, error) {
	q := &Query{funcs: len(p.funcs), data: ast.NewTerm(ast.NewObject()), empty: ast.NewSet()}
	q.pure.stats = make([]pureStats, len(p.funcs))
	for _, n := range names {
		pl, ok := p.plans[n]
		if !ok {
			return nil, fmt.Errorf("irvm: no plan %q", n)
		}
		q.plans = append(q.plans, pl)
	}
	return q, nil
}

// Result is what one evaluation produced.
type Result struct {
	// Values holds, for each plan of the query in order, the value its query
	// bound to its one variable, nil where that is undefined.
	Values []*ast.Term
	// BuiltinErrors are the errors built-in functions returned. As in OPA's
	// topdown evaluator (without strict built-in errors), such a call is
	// undefined and the evaluation goes on.
	BuiltinErrors []*topdown.Error
}

// Control codes that exec returns besides a break depth (0 and up): the block
// ran to its end, the function returned, or evaluation must stop.
const (
	fellThrough = -1
	aborted     = -2
	returned    = 1 << 30
)

type evaluator struct {
	ctx     context.Context
	memo    []*ast.Term
	known   []bool
	results ast.Set
	retval  *ast.Term
	err     error
	out     *ast.Term
	bctx    topdown.BuiltinContext
	iter    func(*ast.Term) error
	scratch []*ast.Term
	argbuf  []*ast.Term
	pairs   [][2]*ast.Term
	scans   []scanState
	// objectStep is e.objectStep, bound once.
	objStep func(k, v *ast.Term) bool
	stack   []*ast.Term
	errs    []*topdown.Error
	cache   builtins.Cache
	// empty is the query's shared empty set, never added to.
	empty ast.Set
	pure  *pureCache
	// eval numbers the evaluation among the query's; local holds the
	// values of the pure functions kept for one evaluation (pureLocal).
	eval  uint64
	local map[int]pureEntry
}

func (q *Query) evaluator(ctx context.Context) *evaluator {
	e, _ := q.evaluators.Get().(*evaluator)
	if e == nil {
		e = &evaluator{
			memo:  make([]*ast.Term, q.funcs),
			known: make([]bool, q.funcs),
			stack: make([]*ast.Term, 0, 512),
			cache: builtins.Cache{},
		}
		e.iter = e.output
		e.objStep = e.objectStep
	}
	e.ctx = ctx
	e.empty = q.empty
	e.pure = &q.pure
	e.eval = q.pure.evals.Add(1)
	e.bctx = topdown.BuiltinContext{Context: ctx, Cache: e.cache}
	return e
}

// release hands an evaluator back for reuse, holding on to nothing of the
// evaluation it ran.
func (q *Query) release(e *evaluator) {
	clear(e.memo)
	clear(e.known)
	clear(e.stack[:cap(e.stack)])
	e.stack = e.stack[:0]
	clear(e.scratch[:cap(e.scratch)])
	clear(e.argbuf[:cap(e.argbuf)])
	e.scans = e.scans[:0]
	clear(e.cache)
	clear(e.local)
	e.results, e.retval, e.out, e.err, e.errs, e.ctx = nil, nil, nil, nil, nil, nil
	e.bctx = topdown.BuiltinContext{}
	q.evaluators.Put(e)
}

// Eval evaluates the query's plans on input. Data is empty: slotcheck's
// policies read only their input and each other.
func (q *Query) Eval(ctx context.Context, input ast.Value) (res Result, err error) {
	e := q.evaluator(ctx)
	defer func() {
		// A built-in or a malformed plan must never take the process down:
		// the caller gets an error and treats the target as not judged. An
		// evaluator that panicked is dropped, not reused.
		if r := recover(); r != nil {
			err = fmt.Errorf("irvm: evaluation failed: %v", r)
			return
		}
		q.release(e)
	}()
	inputTerm := ast.NewTerm(input)
	dataTerm := q.data
	res.Values = make([]*ast.Term, len(q.plans))
	args := []*ast.Term{inputTerm, dataTerm}
	for i, pl := range q.plans {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if pl.fn != nil {
			t, k := e.invoke(pl.fn, args)
			if k == aborted {
				return res, e.err
			}
			res.Values[i] = t
			continue
		}
		e.results = ast.NewSet()
		locals := e.alloc(pl.size)
		locals[0], locals[1] = inputTerm, dataTerm
		for _, b := range pl.blocks {
			if e.exec(b, locals) == aborted {
				return res, e.err
			}
		}
		e.free(pl.size)
		v, err := binding(e.results)
		if err != nil {
			return res, fmt.Errorf("irvm: plan %s: %w", pl.name, err)
		}
		res.Values[i] = v
	}
	res.BuiltinErrors = e.errs
	return res, nil
}

// alloc hands out a frame of locals from one stack per evaluation. A frame
// that outgrows the stack gets a new backing array; frames below it keep
// their own slices, which stay valid.
func (e *evaluator) alloc(n int) []*ast.Term {
	sp := len(e.stack)
	if sp+n > cap(e.stack) {
		grown := make([]*ast.Term, sp, 2*cap(e.stack)+n)
		copy(grown, e.stack)
		e.stack = grown
	}
	e.stack = e.stack[:sp+n]
	frame := e.stack[sp : sp+n : sp+n]
	clear(frame)
	return frame
}

func (e *evaluator) free(n int) {
	e.stack = e.stack[:len(e.stack)-n]
}

func (e *evaluator) output(t *ast.Term) error {
	e.out = t
	return nil
}

func read(o operand, locals []*ast.Term) *ast.Term {
	if o.local >= 0 {
		return locals[o.local]
	}
	return o.term
}

func (e *evaluator) abort(err error) int {
	e.err = err
	return aborted
}

// exec runs a block and says how it ended: fellThrough, a break depth (0
// when a statement was undefined), returned or aborted.
func (e *evaluator) exec(b *block, locals []*ast.Term) int {
	for i := range b.instrs {
		in := &b.instrs[i]
		switch in.op {
		case opNop:
		case opResultSetAdd:
			v := locals[in.a.local]
			if v == nil {
				return 0
			}
			e.results.Add(v)
		case opReturnLocal:
			e.retval = locals[in.a.local]
			return returned
		case opBlock:
			for _, nested := range in.blocks {
				switch k := e.exec(nested, locals); {
				case k == aborted || k == returned:
					return k
				case k >= 1:
					return k - 1
				}
			}
		case opBreak:
			return in.index
		case opCallFunc:
			t, k := e.call(in, locals)
			if k == aborted {
				return k
			}
			if t == nil {
				return 0
			}
			locals[in.target] = t
		case opCallBuiltin:
			t, k := e.builtin(in, locals)
			if k == aborted {
				return k
			}
			if t == nil {
				return 0
			}
			locals[in.target] = t
		case opAssignVar:
			locals[in.target] = read(in.a, locals)
		case opAssignInt, opConst:
			locals[in.target] = in.term
		case opScan:
			if k := e.scan(in, locals); k != fellThrough {
				return k
			}
		case opNot:
			switch k := e.exec(in.body, locals); {
			case k == fellThrough:
				return 0
			case k == aborted || k == returned:
				return k
			case k >= 1:
				return k - 1
			}
		case opDot:
			src, key := read(in.a, locals), read(in.b, locals)
			if src == nil || key == nil {
				return 0
			}
			t := dot(src.Value, key)
			if t == nil {
				return 0
			}
			locals[in.target] = t
		case opLen:
			v := read(in.a, locals)
			if v == nil {
				return 0
			}
			n, ok := length(v.Value)
			if !ok {
				return 0
			}
			locals[in.target] = ast.InternedTerm(n)
		case opEqual:
			a, b := read(in.a, locals), read(in.b, locals)
			if a == nil || b == nil || ast.Compare(a.Value, b.Value) != 0 {
				return 0
			}
		case opNotEqual:
			a, b := read(in.a, locals), read(in.b, locals)
			if a == nil || b == nil {
				return 0
			}
			if x, ok := a.Value.(ast.Boolean); ok {
				if y, ok := b.Value.(ast.Boolean); ok {
					if x == y {
						return 0
					}
					continue
				}
			}
			if ast.Compare(a.Value, b.Value) == 0 {
				return 0
			}
		case opMakeArray:
			locals[in.target] = ast.NewTerm(ast.NewArrayWithCapacity(in.capacity))
		case opMakeObject:
			locals[in.target] = ast.NewTerm(ast.NewObject())
		case opMakeSet:
			// Most sets a plan makes stay empty (a rule's deny set on a
			// compliant object): each starts as its own term holding one
			// shared empty set, and gets a set of its own on the first add.
			// Copies of the local hold the same term, so they see the add as
			// they would see an add to the set itself.
			locals[in.target] = &ast.Term{Value: e.empty}
		case opIsArray, opIsObject, opIsSet:
			if !isKind(in.op, read(in.a, locals)) {
				return 0
			}
		case opIsDefined:
			if locals[in.a.local] == nil {
				return 0
			}
		case opIsUndefined:
			if locals[in.a.local] != nil {
				return 0
			}
		case opResetLocal:
			locals[in.target] = nil
		default:
			if k := e.execCold(in, locals); k != fellThrough {
				return k
			}
		}
	}
	return fellThrough
}

// execCold runs the instructions exec leaves out: those that build, merge or
// compare whole values. Kept apart, their temporaries stay out of exec's
// frame, which every nested block, scan and call pushes again: a smaller
// frame makes the evaluator's deep recursion grow a goroutine's stack less
// often. It says how the instruction ended as exec does, fellThrough to go
// on.
func (e *evaluator) execCold(in *instr, locals []*ast.Term) int {
	switch in.op {
	case opAssignVarOnce:
		v := read(in.a, locals)
		if cur := locals[in.target]; cur != nil && v != nil && ast.Compare(cur.Value, v.Value) != 0 {
			return e.abort(&topdown.Error{Code: topdown.ConflictErr, Message: "complete rules must not produce multiple outputs", Location: in.loc})
		}
		locals[in.target] = v
	case opBuildArray:
		terms := make([]*ast.Term, len(in.args))
		for k, a := range in.args {
			if terms[k] = read(a, locals); terms[k] == nil {
				return 0
			}
		}
		locals[in.target] = ast.ArrayTerm(terms...)
	case opBuildObject:
		if in.distinct {
			return e.buildObject(in, locals)
		}
		obj := ast.NewObjectWithCapacity(len(in.args) / 2)
		for k := 0; k+1 < len(in.args); k += 2 {
			key, v := read(in.args[k], locals), read(in.args[k+1], locals)
			if key == nil || v == nil {
				return 0
			}
			obj.Insert(key, v)
		}
		locals[in.target] = ast.NewTerm(obj)
	case opBuildSet:
		set := ast.NewSetWithCapacity(len(in.args))
		for _, a := range in.args {
			v := read(a, locals)
			if v == nil {
				return 0
			}
			set.Add(v)
		}
		locals[in.target] = ast.NewTerm(set)
	case opArrayAppend:
		arr, ok := valueOf(locals[in.target]).(*ast.Array)
		v := read(in.a, locals)
		if !ok || v == nil {
			return e.abort(fmt.Errorf("irvm: append to %v", locals[in.target]))
		}
		// In place: the array is the plan's own, made by MakeArray.
		*arr = *arr.Append(v)
	case opObjectInsert, opObjectInsertOnce:
		obj, ok := valueOf(locals[in.target]).(ast.Object)
		k, v := read(in.a, locals), read(in.b, locals)
		if !ok || k == nil || v == nil {
			return e.abort(fmt.Errorf("irvm: insert into %v", locals[in.target]))
		}
		if in.op == opObjectInsertOnce {
			if cur := obj.Get(k); cur != nil && ast.Compare(cur.Value, v.Value) != 0 {
				return e.abort(&topdown.Error{Code: topdown.ConflictErr, Message: "object keys must be unique", Location: in.loc})
			}
		}
		obj.Insert(k, v)
	case opObjectMerge:
		a, aok := valueOf(locals[in.a.local]).(ast.Object)
		b, bok := valueOf(locals[in.b.local]).(ast.Object)
		if !aok || !bok {
			return e.abort(&topdown.Error{Code: topdown.ConflictErr, Message: "object merge of non-objects", Location: in.loc})
		}
		merged, ok := a.Merge(b)
		if !ok {
			return e.abort(&topdown.Error{Code: topdown.ConflictErr, Message: "object keys must be unique", Location: in.loc})
		}
		locals[in.target] = ast.NewTerm(merged)
	case opSetAdd:
		t := locals[in.target]
		s, ok := valueOf(t).(ast.Set)
		v := read(in.a, locals)
		if !ok || v == nil {
			return e.abort(fmt.Errorf("irvm: add to %v", t))
		}
		if s == e.empty {
			s = ast.NewSet()
			t.Value = s
		}
		s.Add(v)
	default:
		return e.abort(fmt.Errorf("irvm: unknown instruction %d", in.op))
	}
	return fellThrough
}

// buildObject runs a BuildObject whose keys are distinct constants, making
// the object from all its pairs at once: OPA's object then holds its
// entries in one block, where inserting them one by one allocates each.
func (e *evaluator) buildObject(in *instr, locals []*ast.Term) int {
	pairs := e.pairs[:0]
	for k := 0; k+1 < len(in.args); k += 2 {
		key, v := read(in.args[k], locals), read(in.args[k+1], locals)
		if key == nil || v == nil {
			clear(pairs)
			return 0
		}
		pairs = append(pairs, [2]*ast.Term{key, v})
	}
	// NewObject copies the pairs: the buffer serves the next object.
	locals[in.target] = ast.NewTerm(ast.NewObject(pairs...))
	clear(pairs)
	e.pairs = pairs[:0]
	return fellThrough
}

// isKind is the type test of IsArray, IsObject and IsSet; an undefined
// value has no type.
func isKind(op opcode, v *ast.Term) bool {
	if v == nil {
		return false
	}
	switch v.Value.(type) {
	case *ast.Array:
		return op == opIsArray
	case ast.Object:
		return op == opIsObject
	case ast.Set:
		return op == opIsSet
	}
	return false
}

func valueOf(t *ast.Term) ast.Value {
	if t == nil {
		return nil
	}
	return t.Value
}

// scan runs the body once per element of a collection; a scalar has none.
// The body's break depth counts the scan as two levels (the iteration, then
// the whole scan), as in OPA's Wasm compiler.
func (e *evaluator) scan(in *instr, locals []*ast.Term) int {
	src := locals[in.source]
	if src == nil {
		return fellThrough
	}
	switch x := src.Value.(type) {
	case *ast.Array:
		for i := range x.Len() {
			if r, stop := e.step(in, locals, ast.InternedTerm(i), x.Elem(i)); stop {
				return r
			}
		}
	case ast.Set:
		for _, t := range x.Slice() {
			if r, stop := e.step(in, locals, t, t); stop {
				return r
			}
		}
	case ast.Object:
		// Objects are iterated in key order through a callback: the state it
		// needs lives on a stack in the evaluator, so that the callback is
		// one method value made per evaluation, not a closure per scan.
		e.scans = append(e.scans, scanState{in: in, locals: locals, result: fellThrough})
		x.Until(e.objStep)
		r := e.scans[len(e.scans)-1].result
		e.scans = e.scans[:len(e.scans)-1]
		return r
	}
	return fellThrough
}

type scanState struct {
	in     *instr
	locals []*ast.Term
	result int
}

func (e *evaluator) objectStep(k, v *ast.Term) bool {
	s := &e.scans[len(e.scans)-1]
	r, stop := e.step(s.in, s.locals, k, v)
	if stop {
		// step may have grown the stack: look the state up again.
		e.scans[len(e.scans)-1].result = r
	}
	return stop
}

// step runs the body for one element and says whether the scan stops there
// and with what.
func (e *evaluator) step(in *instr, locals []*ast.Term, k, v *ast.Term) (int, bool) {
	locals[in.key], locals[in.value] = k, v
	switch r := e.exec(in.body, locals); {
	case r == aborted || r == returned:
		return r, true
	case r == 1:
		return fellThrough, true
	case r >= 2:
		return r - 2, true
	}
	return fellThrough, false
}

func dot(src ast.Value, key *ast.Term) *ast.Term {
	switch x := src.(type) {
	case ast.Object:
		return x.Get(key)
	case *ast.Array:
		n, ok := key.Value.(ast.Number)
		if !ok {
			return nil
		}
		i, ok := n.Int()
		if !ok || i < 0 || i >= x.Len() {
			return nil
		}
		return x.Elem(i)
	case ast.Set:
		if x.Contains(key) {
			return key
		}
	}
	return nil
}

func length(v ast.Value) (int, bool) {
	switch x := v.(type) {
	case *ast.Array:
		return x.Len(), true
	case ast.Object:
		return x.Len(), true
	case ast.Set:
		return x.Len(), true
	case ast.String:
		return utf8.RuneCountInString(string(x)), true
	}
	return 0, false
}

// binding is the value of the one variable a plan's one result binds.
func binding(results ast.Set) (*ast.Term, error) {
	switch results.Len() {
	case 0:
		return nil, nil
	case 1:
		obj, ok := results.Slice()[0].Value.(ast.Object)
		if !ok || obj.Len() != 1 {
			return nil, fmt.Errorf("result %v binds more than one variable", results)
		}
		var v *ast.Term
		obj.Foreach(func(_, value *ast.Term) { v = value })
		return v, nil
	}
	return nil, fmt.Errorf("%d results, want one", results.Len())
}

// call runs a planned function (a rule or a Rego function).
func (e *evaluator) call(in *instr, locals []*ast.Term) (*ast.Term, int) {
	fn := in.fn
	if fn.memo && e.known[fn.index] {
		return e.memo[fn.index], fellThrough
	}
	args := e.argbuf[:0]
	for _, a := range in.args {
		v := read(a, locals)
		if v == nil {
			return nil, fellThrough
		}
		args = append(args, v)
	}
	e.argbuf = args[:0]
	return e.invoke(fn, args)
}

// invoke runs fn on args; args may be reused once the frame holds them.
func (e *evaluator) invoke(fn *function, args []*ast.Term) (*ast.Term, int) {
	if fn.memo && e.known[fn.index] {
		return e.memo[fn.index], fellThrough
	}
	if fn.pure {
		return e.invokePure(fn, args)
	}
	return e.run(fn, args)
}

// run runs fn's blocks in a new frame.
func (e *evaluator) run(fn *function, args []*ast.Term) (*ast.Term, int) {
	frame := e.alloc(fn.size)
	for i, v := range args {
		frame[fn.params[i]] = v
	}
	var result *ast.Term
	for _, b := range fn.blocks {
		k := e.exec(b, frame)
		if k == aborted {
			return nil, aborted
		}
		if k == returned {
			result = e.retval
			break
		}
		if k >= 1 {
			break
		}
	}
	e.free(fn.size)
	if fn.memo {
		e.memo[fn.index], e.known[fn.index] = result, true
	}
	return result, fellThrough
}

// builtin calls one of OPA's built-in functions the way topdown does: an
// error makes the call undefined and is collected, unless it halts.
func (e *evaluator) builtin(in *instr, locals []*ast.Term) (*ast.Term, int) {
	args := e.scratch[:0]
	for _, a := range in.args {
		v := read(a, locals)
		if v == nil {
			return nil, fellThrough
		}
		args = append(args, v)
	}
	e.scratch = args
	if in.bi.native != nil {
		if t, ok := in.bi.native(args); ok {
			return t, fellThrough
		}
	}
	e.out = nil
	e.bctx.Location = in.loc
	if err := in.bi.f(e.bctx, args, e.iter); err != nil {
		return nil, e.builtinError(in, err)
	}
	return e.out, fellThrough
}

// builtinError collects a built-in's error, or aborts on a halt; apart
// from builtin, whose frame every call pushes, for the same reason as
// execCold.
func (e *evaluator) builtinError(in *instr, err error) int {
	var halt topdown.Halt
	if errors.As(err, &halt) {
		return e.abort(halt.Err)
	}
	var te *topdown.Error
	if !errors.As(err, &te) {
		te = &topdown.Error{Code: topdown.BuiltinErr, Message: in.bi.name + ": " + err.Error(), Location: in.loc}
	}
	e.errs = append(e.errs, te)
	return fellThrough
}
