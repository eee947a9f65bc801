package audit

import (
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/slotwise/slotcheck/internal/config"
	"github.com/slotwise/slotcheck/internal/kube"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
)

// auditor is one audit under way: what it lists and what it found so far.
type auditor struct {
	engine   *rules.Engine
	cluster  Cluster
	opts     Options
	profiles map[string]ast.Value
	// judged are the kinds judged, workloads and others, listed namespace
	// by namespace; namespaceReads the kinds only read with namespace
	// scope, listed with them; clusterReads those read with cluster scope,
	// listed once for every namespace.
	judged, namespaceReads, clusterReads []kind
	// reads are what the admission rules read, which every namespace's
	// inventory indexes; today is the day exemptions expire by.
	reads []rules.Read
	today string
	// date is today as the configuration's exemptions expire by.
	date config.Date
	// controllers are the workload kinds: an object a controller of one of
	// them owns is judged through its owner.
	controllers map[schema.GroupKind]bool
	// clusterObjects are the objects of clusterReads; unreadCluster names
	// those of its kinds that could not all be read.
	clusterObjects []inventoryObject
	unreadCluster  map[string]bool
	failures       *failures
	rep            *scan.Report
	// matched marks the configuration's exemptions that covered a
	// finding, by index, for telling stale ones.
	matched []bool
	// checker learns each kind's shape once for the whole audit.
	checker *kube.Checker
}

// inventoryObject is an object a rule reads, as input.inventory holds it.
type inventoryObject struct {
	kind, namespace string
	value           ast.Value
}

func newAuditor(engine *rules.Engine, c Cluster, opts Options) (*auditor, error) {
	a := &auditor{
		engine:        engine,
		cluster:       c,
		opts:          opts,
		profiles:      map[string]ast.Value{},
		controllers:   map[schema.GroupKind]bool{},
		unreadCluster: map[string]bool{},
		failures:      newFailures(),
		checker:       kube.NewChecker(),
		reads:         engine.Reads(true),
		today:         config.NewDate(opts.Now).String(),
		date:          config.NewDate(opts.Now),
		rep:           newReport(),
	}
	if c := opts.Configuration; c != nil && c.File() != nil {
		a.matched = make([]bool, len(c.File().Exemptions))
	}
	for _, env := range rules.Environments() {
		v, err := opts.Profiles.Value(env)
		if err != nil {
			return nil, fmt.Errorf("profile %s: %w", env, err)
		}
		a.profiles[env] = v
	}
	return a, nil
}

// setKinds sorts the kinds the cluster serves by how the audit lists them.
func (a *auditor) setKinds(kinds []kind) {
	for _, k := range kinds {
		switch {
		case k.judged:
			a.judged = append(a.judged, k)
			if k.workload {
				a.controllers[k.gvk.GroupKind()] = true
			}
		case k.read.Scope == rules.ScopeCluster || !k.namespaced:
			a.clusterReads = append(a.clusterReads, k)
		default:
			a.namespaceReads = append(a.namespaceReads, k)
		}
	}
}

// newReport is an empty report of a cluster's objects.
func newReport() *scan.Report {
	return &scan.Report{Cluster: true, Summary: scan.Summary{BySeverity: map[rules.Severity]int{}}}
}

// report is the audit's report once every namespace is audited.
func (a *auditor) report(namespaces int) *scan.Report {
	rep := a.rep
	rep.Errors = append(rep.Errors, a.failures.errors()...)
	finish(rep, namespaces)
	return rep
}

// finish counts, sorts and tallies a report of the namespaces it covers,
// which a cluster's report counts where a repository's counts files.
func finish(rep *scan.Report, namespaces int) {
	rep.Summary.Files = namespaces
	rep.Summary.Objects = len(rep.Targets)
	scan.Sort(rep)
	scan.Tally(rep)
}
