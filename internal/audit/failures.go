package audit

import (
	"fmt"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/slotwise/slotcheck/internal/source"
)

// failures collects what could not be read, by kind: a kind forbidden in a
// hundred namespaces is one error naming them, not a hundred.
type failures struct {
	byKind map[string]*failure
}

// failure is one kind that could not be read: the first error, and where.
type failure struct {
	kind       kind
	err        error
	cluster    bool
	namespaces []string
}

func newFailures() *failures { return &failures{byKind: map[string]*failure{}} }

// add records that k could not be read in namespace ("" for the whole
// cluster).
func (f *failures) add(k kind, namespace string, err error) {
	key := k.String()
	x, ok := f.byKind[key]
	if !ok {
		x = &failure{kind: k, err: err}
		f.byKind[key] = x
	}
	if namespace == "" {
		x.cluster = true
	} else {
		x.namespaces = append(x.namespaces, namespace)
	}
}

// errors are the failures as input errors of the report, one per kind,
// named by the kind's resource.
func (f *failures) errors() []source.Error {
	out := make([]source.Error, 0, len(f.byKind))
	for key, x := range f.byKind {
		out = append(out, source.Error{File: key, Message: x.message()})
	}
	slices.SortFunc(out, func(a, b source.Error) int { return strings.Compare(a.File, b.File) })
	return out
}

// maxNamed is how many namespaces an error names before it counts the rest.
const maxNamed = 5

func (x *failure) message() string {
	where := "the cluster"
	if !x.cluster {
		named := x.namespaces[:min(len(x.namespaces), maxNamed)]
		where = "namespace " + strings.Join(named, ", ")
		if len(x.namespaces) > 1 {
			where = "namespaces " + strings.Join(named, ", ")
		}
		if rest := len(x.namespaces) - len(named); rest > 0 {
			where += fmt.Sprintf(" and %d more", rest)
		}
	}
	msg := fmt.Sprintf("%s (%s) not audited in %s: %v", x.kind.gvk.Kind, x.kind.gvk.GroupVersion(), where, x.err)
	if apierrors.IsForbidden(x.err) {
		msg += fmt.Sprintf("; the audit needs get and list on %s (see docs/audit.md)", x.kind)
	}
	return msg
}
