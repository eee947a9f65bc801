// Package irvm evaluates Rego policies as OPA's planner plans them: the
// intermediate representation (IR) that OPA's own Wasm compiler consumes,
// interpreted here directly on Rego values. It exists for speed: a plan is a
// flat sequence of lookups, scans and calls with no unification, backtracking
// or binding lists, so a policy runs several times faster than it does in
// OPA's topdown evaluator, with the same built-in function implementations.
//
// OPA parses, compiles and plans the policies; OPA's topdown remains the
// reference that policy tests run on and that slotcheck's differential test
// compares this package with on every fixture.
package irvm

import (
	"errors"
	"fmt"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/ir"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// Program is a planned policy made ready to evaluate. It is immutable and
// safe for concurrent use.
type Program struct {
	plans map[string]*plan
	funcs []*function
}

type plan struct {
	name   string
	blocks []*block
	size   int
	// fn, when set, is the one function the plan calls, with input and data,
	// binding its value to the plan's single variable: a plan of one rule,
	// whose value the query reads from the function straight away.
	fn *function
}

type function struct {
	name   string
	index  int
	params []int
	ret    int
	blocks []*block
	size   int
	// memo: a function of input and data alone (a rule without arguments)
	// has one value per evaluation, computed on first use.
	memo bool
	// pure: a function of its arguments alone (it reads neither input nor
	// data, and calls nothing that does or that is nondeterministic), whose
	// value for given arguments is the same in every evaluation. A rule
	// that reads no input (a table, a pattern) is pure with no arguments
	// of its own, and so are the functions that read it.
	pure bool
}

type block struct {
	instrs []instr
}

type opcode uint8

const (
	opNop opcode = iota
	opResultSetAdd
	opReturnLocal
	opBlock
	opBreak
	opCallFunc
	opCallBuiltin
	opAssignVar
	opAssignVarOnce
	opAssignInt
	opScan
	opNot
	opDot
	opLen
	opEqual
	opNotEqual
	opMakeNull
	opConst
	opMakeArray
	opMakeObject
	opMakeSet
	opIsArray
	opIsObject
	opIsSet
	opIsDefined
	opIsUndefined
	opResetLocal
	opArrayAppend
	opObjectInsert
	opObjectInsertOnce
	opObjectMerge
	opSetAdd
	opBuildArray
	opBuildObject
	opBuildSet
)

// operand is a local (local >= 0) or a constant term.
type operand struct {
	local int
	term  *ast.Term
}

type instr struct {
	op opcode
	// distinct marks a BuildObject whose keys are constants that differ:
	// its object is made in one go (ast.NewObject), with one block of
	// entries instead of an entry per key.
	distinct bool
	a, b     operand
	target   int
	// source, key and value are the locals of a scan.
	source, key, value int
	args               []operand
	fn                 *function
	bi                 *builtin
	blocks             []*block
	body               *block
	index              int
	capacity           int
	term               *ast.Term
	loc                *ast.Location
}

type builtin struct {
	name   string
	f      topdown.BuiltinFunc
	native native
}

// Compile makes a program of a planned policy. It fails on statements this
// evaluator does not support (dynamic calls into data, `with`), which the
// policies slotcheck ships do not use; a caller can then fall back to OPA's
// topdown evaluator.
func Compile(policy *ir.Policy) (*Program, error) {
	if policy == nil || policy.Plans == nil {
		return nil, errors.New("irvm: empty policy")
	}
	c := &compiler{
		funcs: map[string]*function{},
	}
	if policy.Static != nil {
		for _, s := range policy.Static.Strings {
			c.strings = append(c.strings, ast.StringTerm(s.Value))
		}
		for _, f := range policy.Static.Files {
			c.files = append(c.files, f.Value)
		}
	}
	p := &Program{plans: map[string]*plan{}}
	if policy.Funcs != nil {
		for i, f := range policy.Funcs.Funcs {
			fn := &function{name: f.Name, index: i, ret: int(f.Return), memo: len(f.Params) == 2}
			for _, l := range f.Params {
				fn.params = append(fn.params, int(l))
			}
			c.funcs[f.Name] = fn
			p.funcs = append(p.funcs, fn)
		}
		for i, f := range policy.Funcs.Funcs {
			fn := p.funcs[i]
			c.size = max(fn.ret, 1)
			for _, l := range fn.params {
				c.size = max(c.size, l)
			}
			blocks, err := c.blocks(f.Blocks)
			if err != nil {
				return nil, fmt.Errorf("irvm: function %s: %w", f.Name, err)
			}
			fn.blocks, fn.size = blocks, c.size+1
		}
	}
	// Constants are shared by every call, so they are made only when no
	// function changes a collection it was handed.
	foldable := true
	for _, fn := range p.funcs {
		if mutatesParam(fn) {
			foldable = false
		}
	}
	for _, fn := range p.funcs {
		fold(fn.params, fn.blocks, foldable)
	}
	markPure(p.funcs)
	for _, pl := range policy.Plans.Plans {
		if fn := c.ruleOf(pl); fn != nil {
			p.plans[pl.Name] = &plan{name: pl.Name, fn: fn}
			continue
		}
		c.size = 1
		blocks, err := c.blocks(pl.Blocks)
		if err != nil {
			return nil, fmt.Errorf("irvm: plan %s: %w", pl.Name, err)
		}
		fold([]int{int(ir.Input), int(ir.Data)}, blocks, foldable)
		p.plans[pl.Name] = &plan{name: pl.Name, blocks: blocks, size: c.size + 1}
	}
	return p, nil
}

// ruleOf recognises the plan OPA makes of a query for one rule's value: call
// the rule's function with input and data, bind the value to the query's
// variable, add the bindings to the result set.
func (c *compiler) ruleOf(pl *ir.Plan) *function {
	if len(pl.Blocks) != 1 || len(pl.Blocks[0].Stmts) != 5 {
		return nil
	}
	st := pl.Blocks[0].Stmts
	call, ok1 := st[0].(*ir.CallStmt)
	assign, ok2 := st[1].(*ir.AssignVarStmt)
	mk, ok3 := st[2].(*ir.MakeObjectStmt)
	insert, ok4 := st[3].(*ir.ObjectInsertStmt)
	add, ok5 := st[4].(*ir.ResultSetAddStmt)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || len(call.Args) != 2 {
		return nil
	}
	fn := c.funcs[call.Func]
	in0, err0 := c.operand(call.Args[0])
	in1, err1 := c.operand(call.Args[1])
	src, err2 := c.operand(assign.Source)
	val, err3 := c.operand(insert.Value)
	if fn == nil || err0 != nil || err1 != nil || err2 != nil || err3 != nil ||
		in0.local != int(ir.Input) || in1.local != int(ir.Data) ||
		src.local != int(call.Result) || val.local != int(assign.Target) ||
		insert.Object != mk.Target || add.Value != mk.Target {
		return nil
	}
	return fn
}

type compiler struct {
	strings []*ast.Term
	files   []string
	funcs   map[string]*function
	size    int
}

func (c *compiler) blocks(in []*ir.Block) ([]*block, error) {
	out := make([]*block, 0, len(in))
	for _, b := range in {
		cb, err := c.block(b)
		if err != nil {
			return nil, err
		}
		out = append(out, cb)
	}
	return out, nil
}

func (c *compiler) local(l ir.Local) int {
	c.size = max(c.size, int(l))
	return int(l)
}

func (c *compiler) operand(o ir.Operand) (operand, error) {
	v := o.Value
	// Plans read back from JSON hold pointers to their values.
	switch x := v.(type) {
	case *ir.Local:
		v = *x
	case *ir.Bool:
		v = *x
	case *ir.StringIndex:
		v = *x
	}
	switch v := v.(type) {
	case ir.Local:
		return operand{local: c.local(v)}, nil
	case ir.Bool:
		return operand{local: -1, term: ast.BooleanTerm(bool(v))}, nil
	case ir.StringIndex:
		if int(v) < 0 || int(v) >= len(c.strings) {
			return operand{}, fmt.Errorf("string index %d out of range", v)
		}
		return operand{local: -1, term: c.strings[v]}, nil
	default:
		return operand{}, fmt.Errorf("unsupported operand %T", o.Value)
	}
}

func (c *compiler) location(l ir.Location) *ast.Location {
	loc := &ast.Location{Row: l.Row, Col: l.Col}
	if l.File >= 0 && l.File < len(c.files) {
		loc.File = c.files[l.File]
	}
	return loc
}

func (c *compiler) block(b *ir.Block) (*block, error) {
	out := &block{instrs: make([]instr, 0, len(b.Stmts))}
	for _, s := range b.Stmts {
		in, err := c.instr(s)
		if err != nil {
			return nil, err
		}
		out.instrs = append(out.instrs, in)
	}
	return out, nil
}

func (c *compiler) instr(s ir.Stmt) (instr, error) {
	var err error
	var in instr
	two := func(a, b ir.Operand) {
		if in.a, err = c.operand(a); err == nil {
			in.b, err = c.operand(b)
		}
	}
	switch s := s.(type) {
	case *ir.NopStmt:
		in.op = opNop
	case *ir.ResultSetAddStmt:
		in.op, in.a = opResultSetAdd, operand{local: c.local(s.Value)}
	case *ir.ReturnLocalStmt:
		in.op, in.a = opReturnLocal, operand{local: c.local(s.Source)}
	case *ir.BlockStmt:
		in.op = opBlock
		in.blocks, err = c.blocks(s.Blocks)
	case *ir.BreakStmt:
		in.op, in.index = opBreak, int(s.Index)
	case *ir.CallStmt:
		in.target = c.local(s.Result)
		for _, a := range s.Args {
			o, oerr := c.operand(a)
			if oerr != nil {
				return in, oerr
			}
			in.args = append(in.args, o)
		}
		if fn, ok := c.funcs[s.Func]; ok {
			if len(in.args) != len(fn.params) {
				return in, fmt.Errorf("call %s: %d arguments, want %d", s.Func, len(in.args), len(fn.params))
			}
			in.op, in.fn = opCallFunc, fn
			break
		}
		f := topdown.GetBuiltin(s.Func)
		if f == nil {
			return in, fmt.Errorf("call %s: no such function or built-in", s.Func)
		}
		in.op, in.bi, in.loc = opCallBuiltin, &builtin{name: s.Func, f: f, native: nativeFor(s.Func)}, c.location(s.Location)
	case *ir.AssignVarStmt:
		in.op, in.target = opAssignVar, c.local(s.Target)
		in.a, err = c.operand(s.Source)
	case *ir.AssignVarOnceStmt:
		in.op, in.target, in.loc = opAssignVarOnce, c.local(s.Target), c.location(s.Location)
		in.a, err = c.operand(s.Source)
	case *ir.AssignIntStmt:
		in.op, in.target, in.term = opAssignInt, c.local(s.Target), ast.InternedTerm(int(s.Value))
	case *ir.ScanStmt:
		in.op, in.source, in.key, in.value = opScan, c.local(s.Source), c.local(s.Key), c.local(s.Value)
		in.body, err = c.block(s.Block)
	case *ir.NotStmt:
		in.op = opNot
		in.body, err = c.block(s.Block)
	case *ir.DotStmt:
		in.op, in.target = opDot, c.local(s.Target)
		two(s.Source, s.Key)
	case *ir.LenStmt:
		in.op, in.target = opLen, c.local(s.Target)
		in.a, err = c.operand(s.Source)
	case *ir.EqualStmt:
		in.op = opEqual
		two(s.A, s.B)
	case *ir.NotEqualStmt:
		in.op = opNotEqual
		two(s.A, s.B)
	case *ir.MakeNullStmt:
		in.op, in.target, in.term = opConst, c.local(s.Target), ast.InternedNullTerm
	case *ir.MakeNumberIntStmt:
		in.op, in.target, in.term = opConst, c.local(s.Target), ast.InternedTerm(int(s.Value))
	case *ir.MakeNumberRefStmt:
		if s.Index < 0 || s.Index >= len(c.strings) {
			return in, fmt.Errorf("number index %d out of range", s.Index)
		}
		in.op, in.target = opConst, c.local(s.Target)
		in.term = ast.NewTerm(ast.Number(c.strings[s.Index].Value.(ast.String)))
	case *ir.MakeArrayStmt:
		in.op, in.target, in.capacity = opMakeArray, c.local(s.Target), int(s.Capacity)
	case *ir.MakeObjectStmt:
		in.op, in.target = opMakeObject, c.local(s.Target)
	case *ir.MakeSetStmt:
		in.op, in.target = opMakeSet, c.local(s.Target)
	case *ir.IsArrayStmt:
		in.op = opIsArray
		in.a, err = c.operand(s.Source)
	case *ir.IsObjectStmt:
		in.op = opIsObject
		in.a, err = c.operand(s.Source)
	case *ir.IsSetStmt:
		in.op = opIsSet
		in.a, err = c.operand(s.Source)
	case *ir.IsDefinedStmt:
		in.op, in.a = opIsDefined, operand{local: c.local(s.Source)}
	case *ir.IsUndefinedStmt:
		in.op, in.a = opIsUndefined, operand{local: c.local(s.Source)}
	case *ir.ResetLocalStmt:
		in.op, in.target = opResetLocal, c.local(s.Target)
	case *ir.ArrayAppendStmt:
		in.op, in.target = opArrayAppend, c.local(s.Array)
		in.a, err = c.operand(s.Value)
	case *ir.ObjectInsertStmt:
		in.op, in.target = opObjectInsert, c.local(s.Object)
		two(s.Key, s.Value)
	case *ir.ObjectInsertOnceStmt:
		in.op, in.target, in.loc = opObjectInsertOnce, c.local(s.Object), c.location(s.Location)
		two(s.Key, s.Value)
	case *ir.ObjectMergeStmt:
		in.op, in.target = opObjectMerge, c.local(s.Target)
		in.a, in.b = operand{local: c.local(s.A)}, operand{local: c.local(s.B)}
	case *ir.SetAddStmt:
		in.op, in.target = opSetAdd, c.local(s.Set)
		in.a, err = c.operand(s.Value)
	default:
		return in, fmt.Errorf("unsupported statement %T", s)
	}
	return in, err
}

// markPure finds the functions whose values depend on their arguments alone.
// Every function is handed input and data as its first two parameters; one
// that reads them only to hand them on to pure functions is pure itself,
// rules (no parameters besides those two) included.
func markPure(funcs []*function) {
	for _, fn := range funcs {
		fn.pure = len(fn.params) >= 2
	}
	for changed := true; changed; {
		changed = false
		for _, fn := range funcs {
			if fn.pure && !pureBody(fn) {
				fn.pure, changed = false, true
			}
		}
	}
}

func pureBody(fn *function) bool {
	in0, in1 := fn.params[0], fn.params[1]
	pure := true
	for _, b := range fn.blocks {
		walkInstrs(b, func(in *instr) {
			switch in.op {
			case opCallFunc:
				for i, a := range in.args {
					if (a.local == in0 || a.local == in1) && (i > 1 || !in.fn.pure || a.local != fn.params[i]) {
						pure = false
					}
				}
				return
			case opCallBuiltin:
				if bi := ast.BuiltinMap[in.bi.name]; bi == nil || bi.Nondeterministic || in.bi.name == "trace" || in.bi.name == "print" || in.bi.name == "opa.runtime" {
					pure = false
				}
			}
			if slices.Contains(in.reads(), in0) || slices.Contains(in.reads(), in1) {
				pure = false
			}
		})
	}
	return pure
}

// mutatesParam reports whether fn appends or inserts into a parameter.
func mutatesParam(fn *function) bool {
	found := false
	var walk func(b *block)
	walk = func(b *block) {
		for i := range b.instrs {
			in := &b.instrs[i]
			switch in.op {
			case opArrayAppend, opObjectInsert, opObjectInsertOnce, opSetAdd:
				if slices.Contains(fn.params, in.target) {
					found = true
				}
			}
			for _, nested := range in.blocks {
				walk(nested)
			}
			if in.body != nil {
				walk(in.body)
			}
		}
	}
	for _, b := range fn.blocks {
		walk(b)
	}
	return found
}

// fold turns the collections a function builds from constants alone (the
// literal paths, tables and sets rules are full of) into constants made once,
// where the plan would build them anew on every call. It folds a collection
// only when nothing else can ever change it: its local is written by that
// one statement, modified only by the constant inserts right after it, and
// never copied to a local that something modifies.
func fold(params []int, blocks []*block, shared bool) {
	// The planner numbers locals afresh in each of a function's top-level
	// blocks (one per rule body), so each is analysed alone. A local a block
	// reads before it writes it comes from another block (the set a partial
	// rule fills, say) and is left alone.
	liveIns := make([]map[int]bool, len(blocks))
	for i, b := range blocks {
		liveIn := map[int]bool{}
		liveIns[i] = liveIn
		defined := map[int]bool{}
		for _, p := range params {
			defined[p] = true
		}
		walkInstrs(b, func(in *instr) {
			for _, l := range in.reads() {
				if !defined[l] {
					liveIn[l] = true
				}
			}
			for _, l := range in.writes() {
				defined[l] = true
			}
		})
	}
	// A local some block reads before writing it lives across blocks: no
	// block may fold it, not even the one that makes it.
	across := map[int]bool{}
	for _, liveIn := range liveIns {
		for l := range liveIn {
			across[l] = true
		}
	}
	for _, b := range blocks {
		foldBlock(params, b, shared, across)
	}
}

// walkInstrs calls f for every instruction of b in order, nested ones
// included (after the instruction that holds them).
func walkInstrs(b *block, f func(*instr)) {
	for i := range b.instrs {
		in := &b.instrs[i]
		f(in)
		for _, nested := range in.blocks {
			walkInstrs(nested, f)
		}
		if in.body != nil {
			walkInstrs(in.body, f)
		}
	}
}

// reads lists the locals an instruction reads, a collection it adds to
// included.
func (in *instr) reads() []int {
	var out []int
	add := func(os ...operand) {
		for _, o := range os {
			if o.local >= 0 {
				out = append(out, o.local)
			}
		}
	}
	switch in.op {
	case opResultSetAdd, opReturnLocal, opAssignVar, opLen, opIsArray, opIsObject, opIsSet, opIsDefined, opIsUndefined:
		add(in.a)
	case opAssignVarOnce:
		add(in.a)
		out = append(out, in.target)
	case opCallFunc, opCallBuiltin, opBuildArray, opBuildObject, opBuildSet:
		add(in.args...)
	case opScan:
		out = append(out, in.source)
	case opDot, opEqual, opNotEqual, opObjectMerge:
		add(in.a, in.b)
	case opArrayAppend, opSetAdd:
		add(in.a)
		out = append(out, in.target)
	case opObjectInsert, opObjectInsertOnce:
		add(in.a, in.b)
		out = append(out, in.target)
	}
	return out
}

// writes lists the locals an instruction sets.
func (in *instr) writes() []int {
	switch in.op {
	case opCallFunc, opCallBuiltin, opAssignVar, opAssignVarOnce, opAssignInt, opConst, opMakeArray,
		opMakeObject, opMakeSet, opDot, opLen, opResetLocal, opObjectMerge, opBuildArray, opBuildObject, opBuildSet:
		return []int{in.target}
	case opScan:
		return []int{in.key, in.value}
	}
	return nil
}

func foldBlock(params []int, top *block, shared bool, liveIn map[int]bool) {
	defs := map[int]int{}
	muts := map[int]int{}
	var assigns [][2]int
	for _, p := range params {
		defs[p]++
	}
	walkInstrs(top, func(in *instr) {
		switch in.op {
		case opCallFunc, opCallBuiltin, opAssignInt, opConst, opMakeArray, opMakeObject, opMakeSet,
			opDot, opLen, opResetLocal, opObjectMerge:
			defs[in.target]++
		case opAssignVar, opAssignVarOnce:
			defs[in.target]++
			if in.a.local >= 0 {
				assigns = append(assigns, [2]int{in.a.local, in.target})
			}
		case opScan:
			defs[in.key]++
			defs[in.value]++
		case opArrayAppend, opObjectInsert, opObjectInsertOnce, opSetAdd:
			muts[in.target]++
		}
	})
	copied := func(l int) bool {
		for _, a := range assigns {
			if a[0] == l && muts[a[1]] > 0 {
				return true
			}
		}
		return false
	}
	var rewrite func(b *block)
	rewrite = func(b *block) {
		consts := map[int]*ast.Term{}
		constant := func(o operand) *ast.Term {
			if o.local < 0 {
				return o.term
			}
			return consts[o.local]
		}
		out := b.instrs[:0]
		for i := 0; i < len(b.instrs); i++ {
			in := b.instrs[i]
			for _, nested := range in.blocks {
				rewrite(nested)
			}
			if in.body != nil {
				rewrite(in.body)
			}
			if in.op != opMakeArray && in.op != opMakeObject && in.op != opMakeSet {
				out = append(out, in)
				continue
			}
			t := in.target
			if defs[t] != 1 || liveIn[t] || copied(t) {
				out = append(out, in)
				continue
			}
			var elems [][2]*ast.Term
			var ops []operand
			dynamic := false
			j := i + 1
			// Constants the planner defines between the make and the adds
			// (the elements of a literal) are moved before it.
			var pre []instr
			for ; j < len(b.instrs); j++ {
				m := b.instrs[j]
				if m.op == opConst && m.target != t {
					pre = append(pre, m)
					consts[m.target] = m.term
					continue
				}
				if m.target != t || !(m.op == opArrayAppend && in.op == opMakeArray ||
					m.op == opObjectInsert && in.op == opMakeObject || m.op == opSetAdd && in.op == opMakeSet) {
					break
				}
				a := constant(m.a)
				ops = append(ops, m.a)
				var v *ast.Term
				if m.op == opObjectInsert {
					v = constant(m.b)
					ops = append(ops, m.b)
				}
				if a == nil || (m.op == opObjectInsert && v == nil) {
					dynamic = true
				}
				elems = append(elems, [2]*ast.Term{a, v})
			}
			if muts[t] != len(elems) {
				out = append(out, in)
				continue
			}
			if dynamic || !shared {
				// Built in one go from the values at hand, rather than
				// grown one element at a time.
				build := map[opcode]opcode{opMakeArray: opBuildArray, opMakeObject: opBuildObject, opMakeSet: opBuildSet}[in.op]
				out = append(out, pre...)
				out = append(out, instr{op: build, target: t, args: ops, distinct: in.op == opMakeObject && distinctKeys(ops)})
				i = j - 1
				continue
			}
			var value ast.Value
			switch in.op {
			case opMakeArray:
				terms := make([]*ast.Term, len(elems))
				for k, e := range elems {
					terms[k] = e[0]
				}
				value = ast.NewArray(terms...)
			case opMakeObject:
				obj := ast.NewObject()
				for _, e := range elems {
					obj.Insert(e[0], e[1])
				}
				value = obj
			case opMakeSet:
				set := ast.NewSet()
				for _, e := range elems {
					set.Add(e[0])
				}
				value = set
			}
			term := ast.NewTerm(value)
			consts[t] = term
			out = append(out, pre...)
			out = append(out, instr{op: opConst, target: t, term: term})
			i = j - 1
		}
		b.instrs = out
	}
	// A literal nested in another is folded first; the second pass then
	// finds the outer one's elements constant.
	rewrite(top)
	rewrite(top)
}

// distinctKeys reports whether an object literal's keys (the even operands
// of key, value, key, value, ...) are constant operands no two of which
// are equal.
func distinctKeys(ops []operand) bool {
	for i := 0; i < len(ops); i += 2 {
		if ops[i].local >= 0 {
			return false
		}
		for j := 0; j < i; j += 2 {
			if ops[i].term.Equal(ops[j].term) {
				return false
			}
		}
	}
	return true
}
