package irvm

import (
	"cmp"

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
