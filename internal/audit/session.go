package audit

import (
	"context"
	"fmt"
	"slices"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/internal/source"
)

// Session is an audit whose namespaces a caller judges one at a time and
// whose findings it takes as each is done, so that a long-running caller
// (the webhook's background audit) holds one namespace's findings at a
// time, not the cluster's. It lists and judges exactly as Run does.
type Session struct {
	a          *auditor
	namespaces []namespace
}

// Start resolves the kinds the cluster serves, lists its namespaces (or
// the one opts names) and the kinds read with cluster scope. What could
// not be read is in Errors once the session is done; namespaces that cannot
// be listed are an error.
func Start(ctx context.Context, engine *rules.Engine, c Cluster, opts Options) (*Session, error) {
	a, namespaces, err := begin(ctx, engine, c, opts)
	if err != nil {
		return nil, err
	}
	// A session that cannot list the namespaces has nothing to judge, and
	// a caller must not take its empty list for a cluster without any.
	if x, ok := a.failures.byKind[namespaceKind.String()]; ok && opts.Namespace == "" {
		return nil, fmt.Errorf("list namespaces: %w", x.err)
	}
	if err := a.clusterInventory(ctx); err != nil {
		return nil, err
	}
	return &Session{a: a, namespaces: namespaces}, nil
}

// Namespaces are the names of the namespaces the session audits, sorted.
func (s *Session) Namespaces() []string {
	out := make([]string, 0, len(s.namespaces))
	for _, ns := range s.namespaces {
		out = append(out, ns.name)
	}
	slices.Sort(out)
	return out
}

// Judge reads and judges the namespaces named, one after the other as Run
// does, each kind listed once for all of them in pages rather than once
// per namespace, and hands each namespace's report alone to each before
// the next namespace is judged: its findings, the objects judged and the
// objects that could not be read. A kind that could not be listed is in
// Errors. Names the session did not list are judged in the environment
// their names say; an error of each stops the audit and is returned.
func (s *Session) Judge(ctx context.Context, names []string, each func(namespace string, rep *scan.Report) error) error {
	listed := make(map[string]namespace, len(s.namespaces))
	for _, ns := range s.namespaces {
		listed[ns.name] = ns
	}
	wanted := make([]namespace, 0, len(names))
	for _, name := range names {
		ns, ok := listed[name]
		if !ok {
			ns = namespace{name: name}
		}
		wanted = append(wanted, ns)
	}
	s.a.rep = newReport()
	return s.a.namespaces(ctx, wanted, func(name string) error {
		rep := s.a.rep
		s.a.rep = newReport()
		finish(rep, 1)
		return each(name, rep)
	})
}

// Errors are the kinds that could not be read so far, one error per kind.
func (s *Session) Errors() []source.Error { return s.a.failures.errors() }
