package irvm

import (
	"cmp"
	"strconv"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// native is a built-in function the program calls directly, for the few
// that rules call most (type tests, comparisons, object.get, membership):
// calling them through OPA's built-in interface cost more than their work.
// Each is OPA's own implementation written out for the arguments it can
// take without an error; on any other (ok false) the call goes to OPA's
// built-in, which raises the error exactly as topdown would.
type native func(args []*ast.Term) (result *ast.Term, ok bool)

func nativeFor(name string) native {
	switch name {
	case "is_string":
		return isType(func(v ast.Value) bool { _, ok := v.(ast.String); return ok })
	case "is_number":
		return isType(func(v ast.Value) bool { _, ok := v.(ast.Number); return ok })
	case "is_boolean":
		return isType(func(v ast.Value) bool { _, ok := v.(ast.Boolean); return ok })
	case "is_null":
		return isType(func(v ast.Value) bool { _, ok := v.(ast.Null); return ok })
	case "is_array":
		return isType(func(v ast.Value) bool { _, ok := v.(*ast.Array); return ok })
	case "is_object":
		return isType(func(v ast.Value) bool { _, ok := v.(ast.Object); return ok })
	case "is_set":
		return isType(func(v ast.Value) bool { _, ok := v.(ast.Set); return ok })
	case "neq":
		return func(a []*ast.Term) (*ast.Term, bool) { return ast.InternedTerm(!a[0].Equal(a[1])), true }
	case "equal":
		return func(a []*ast.Term) (*ast.Term, bool) { return ast.InternedTerm(a[0].Equal(a[1])), true }
	case "gt":
		return func(a []*ast.Term) (*ast.Term, bool) {
			return ast.InternedTerm(a[0].Value.Compare(a[1].Value) > 0), true
		}
	case "gte":
		return func(a []*ast.Term) (*ast.Term, bool) {
			return ast.InternedTerm(a[0].Value.Compare(a[1].Value) >= 0), true
		}
	case "lt":
		return func(a []*ast.Term) (*ast.Term, bool) {
			return ast.InternedTerm(a[0].Value.Compare(a[1].Value) < 0), true
		}
	case "lte":
		return func(a []*ast.Term) (*ast.Term, bool) {
			return ast.InternedTerm(a[0].Value.Compare(a[1].Value) <= 0), true
		}
	case "internal.member_2":
		return member
	case "count":
		return count
	case "object.get":
		return objectGet
	case "sprintf":
		return sprintf
	case "array.concat":
		return arrayConcat
	}
	return nil
}

func isType(is func(ast.Value) bool) native {
	return func(a []*ast.Term) (*ast.Term, bool) { return ast.InternedTerm(is(a[0].Value)), true }
}

func member(a []*ast.Term) (*ast.Term, bool) {
	switch c := a[1].Value.(type) {
	case ast.Set:
		return ast.InternedTerm(c.Contains(a[0])), true
	case *ast.Array:
		return ast.InternedTerm(c.Until(a[0].Equal)), true
	case ast.Object:
		return ast.InternedTerm(c.Until(func(_, v *ast.Term) bool { return a[0].Equal(v) })), true
	}
	return ast.InternedTerm(false), true
}

func count(a []*ast.Term) (*ast.Term, bool) {
	switch c := a[0].Value.(type) {
	case *ast.Array:
		return ast.InternedTerm(c.Len()), true
	case ast.Object:
		return ast.InternedTerm(c.Len()), true
	case ast.Set:
		return ast.InternedTerm(c.Len()), true
	case ast.String:
		return ast.InternedTerm(len([]rune(c))), true
	}
	return nil, false
}

func objectGet(a []*ast.Term) (*ast.Term, bool) {
	obj, ok := a[0].Value.(ast.Object)
	if !ok {
		return nil, false
	}
	curr, path, def := a[0], a[1], a[2]
	arr, ok := path.Value.(*ast.Array)
	if !ok {
		return cmp.Or(obj.Get(path), def), true
	}
	for i := range arr.Len() {
		if curr = curr.Get(arr.Elem(i)); curr == nil {
			break
		}
	}
	return cmp.Or(curr, def), true
}

// arrayConcat is OPA's array.concat, which the rules call to make every
// finding's path: an empty side gives the other back as it is.
func arrayConcat(a []*ast.Term) (*ast.Term, bool) {
	x, ok1 := a[0].Value.(*ast.Array)
	y, ok2 := a[1].Value.(*ast.Array)
	switch {
	case !ok1 || !ok2:
		return nil, false
	case x.Len() == 0:
		return a[1], true
	case y.Len() == 0:
		return a[0], true
	}
	out := make([]*ast.Term, 0, x.Len()+y.Len())
	for i := range x.Len() {
		out = append(out, x.Elem(i))
	}
	for i := range y.Len() {
		out = append(out, y.Elem(i))
	}
	return ast.ArrayTerm(out...), true
}

// sprintf writes the messages rules build (sprintf("%s ... %q", [...]))
// without fmt: a format of plain text and %s, %q, %v and %d verbs with no
// flags or width, each verb with one argument of a type it prints as OPA's
// sprintf does through fmt (a string for %s, %q and %v, an integer written
// as an integer for %d and %v). Any other format or argument goes to OPA's
// built-in.
func sprintf(a []*ast.Term) (*ast.Term, bool) {
	format, ok := a[0].Value.(ast.String)
	if !ok {
		return nil, false
	}
	args, ok := a[1].Value.(*ast.Array)
	if !ok {
		return nil, false
	}
	var b strings.Builder
	b.Grow(len(format) + 16*args.Len())
	next := 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i++; i == len(format) {
			return nil, false
		}
		verb := format[i]
		if verb == '%' {
			b.WriteByte('%')
			continue
		}
		if next == args.Len() || !writeArg(&b, verb, args.Elem(next).Value) {
			return nil, false
		}
		next++
	}
	if next != args.Len() {
		return nil, false
	}
	return ast.StringTerm(b.String()), true
}

// writeArg writes one argument under one verb as fmt would write the Go
// value OPA's sprintf makes of it, and says whether it could.
func writeArg(b *strings.Builder, verb byte, v ast.Value) bool {
	switch x := v.(type) {
	case ast.String:
		switch verb {
		case 's', 'v':
			b.WriteString(string(x))
			return true
		case 'q':
			b.WriteString(strconv.Quote(string(x)))
			return true
		}
	case ast.Number:
		if verb != 'd' && verb != 'v' {
			return false
		}
		// OPA hands fmt an int64 for a number written as an integer; a
		// number written otherwise (1.0, 1e3, 007) is left to it.
		n, err := strconv.ParseInt(string(x), 10, 64)
		if err != nil || strconv.FormatInt(n, 10) != string(x) {
			return false
		}
		b.WriteString(string(x))
		return true
	}
	return false
}
