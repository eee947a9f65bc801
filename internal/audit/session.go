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
// time, not the cluster's. It judges exactly as Run does.
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

// Judge lists and judges one of the session's namespaces and returns its
// report alone: its findings, the objects judged and the objects that
// could not be read. A kind that could not be listed there is in Errors.
func (s *Session) Judge(ctx context.Context, name string) (*scan.Report, error) {
	i := slices.IndexFunc(s.namespaces, func(ns namespace) bool { return ns.name == name })
	ns := namespace{name: name}
	if i >= 0 {
		ns = s.namespaces[i]
	}
	s.a.rep = &scan.Report{Cluster: true, Summary: scan.Summary{BySeverity: map[rules.Severity]int{}}}
	if err := s.a.namespace(ctx, ns); err != nil {
		return nil, err
	}
	rep := s.a.rep
	rep.Summary.Files = 1
	rep.Summary.Objects = len(rep.Targets)
	scan.Sort(rep)
	scan.Tally(rep)
	return rep, nil
}

// Errors are the kinds that could not be read so far, one error per kind.
func (s *Session) Errors() []source.Error { return s.a.failures.errors() }
