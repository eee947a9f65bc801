package gcpace

import (
	"runtime/debug"
	"sync"
)

// AuditCeiling is the soft limit on the memory of a cluster audit, unless
// its container allows less: a cluster's objects pass through it a
// namespace at a time, and what stays is their findings.
const AuditCeiling = 200 << 20

// StartAudit holds an audit's memory under AuditCeiling, or half its
// container's memory if less, collecting more often as the heap nears it
// rather than letting it double past what the audit holds, as Go's default
// pace does: an audit of 10,000 objects and 165,000 findings peaked at
// 394 MiB without the limit and at 262 MiB with it (docs/performance.md).
// The limit is soft: an audit whose findings need more still completes,
// with the collector working harder. Unlike a scan (StartScan), an audit
// keeps Go's pace below the limit: it keeps only one namespace's objects
// at a time, and collecting their garbage as it goes is what keeps its
// memory bounded by the largest namespace rather than growing with the
// cluster.
//
// GOGC or GOMEMLIMIT in the environment take precedence: then it does
// nothing. It returns a function that hands the previous limit back.
func StartAudit(env Env) (stop func()) {
	limit, ok := Ceiling(env, AuditCeiling)
	if !ok {
		return func() {}
	}
	previous := debug.SetMemoryLimit(limit)
	var once sync.Once
	return func() { once.Do(func() { debug.SetMemoryLimit(previous) }) }
}

// Ceiling is the soft memory limit a batch job (a scan, an audit) holds
// itself to: ceiling, or half its container's memory if less, leaving
// the other half to the binary's own pages and what the collector cannot
// free at once. ok is false when GOGC or GOMEMLIMIT is set in the
// environment: the operator chose the policy, and the job sets none.
func Ceiling(env Env, ceiling int64) (limit int64, ok bool) {
	if env.Getenv("GOGC") != "" || env.Getenv("GOMEMLIMIT") != "" {
		return 0, false
	}
	if c, found := ContainerMemory(env.ReadFile); found {
		ceiling = min(ceiling, c/2)
	}
	return ceiling, true
}
