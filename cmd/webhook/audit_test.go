package main

import (
	"errors"
	"testing"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/slotwise/slotcheck/internal/cli"
)

// TestLeaderElection: the manager elects a leader only for an audit that
// runs and was asked to, with the Lease the flags name.
func TestLeaderElection(t *testing.T) {
	tests := []struct {
		name      string
		opts      backgroundOptions
		wantElect bool
		wantUsage bool
	}{
		{name: "audit off", opts: backgroundOptions{leaderElect: true, leaderElectionID: "x"}},
		{name: "audit on, one replica", opts: backgroundOptions{interval: time.Minute, leaderElectionID: "x"}},
		{name: "audit on, elected", opts: backgroundOptions{interval: time.Minute, leaderElect: true, leaderElectionID: "x", leaderElectionNamespace: "ns"}, wantElect: true},
		{name: "negative interval", opts: backgroundOptions{interval: -time.Minute}, wantUsage: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := tc.opts.leaderElection(manager.Options{})
			var usage cli.UsageError
			if got := errors.As(err, &usage); got != tc.wantUsage {
				t.Fatalf("err %v, want a usage error: %t", err, tc.wantUsage)
			}
			if m.LeaderElection != tc.wantElect {
				t.Errorf("LeaderElection %t, want %t", m.LeaderElection, tc.wantElect)
			}
			if tc.wantElect && (m.LeaderElectionID != tc.opts.leaderElectionID || m.LeaderElectionNamespace != tc.opts.leaderElectionNamespace || !m.LeaderElectionReleaseOnCancel) {
				t.Errorf("lease %s/%s release on cancel %t", m.LeaderElectionNamespace, m.LeaderElectionID, m.LeaderElectionReleaseOnCancel)
			}
		})
	}
}
