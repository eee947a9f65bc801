package main

import (
	"os"

	"github.com/slotwise/slotcheck/internal/gcpace"
)

// tuneGC paces the collector for a scan (gcpace.StartScan, which the scan's
// benchmarks share). The scan runs until the process exits: pacing is
// never handed back. An audit has its own policy (boundAudit).
func tuneGC() {
	gcpace.StartScan(processEnv())
}

// boundAudit holds an audit's memory under a soft limit
// (gcpace.StartAudit) until the process exits.
func boundAudit() {
	gcpace.StartAudit(processEnv())
}

// processEnv is the process's environment, as gcpace reads it.
func processEnv() gcpace.Env {
	return gcpace.Env{Getenv: os.Getenv, ReadFile: os.ReadFile}
}
