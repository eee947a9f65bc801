package main

import (
	"math"
	"testing"
)

// TestMemoryLimit: the limit is the ceiling while what is live is small,
// then twice what is live, Go's own pace, so that a large scan does not
// collect over and over near the limit.
func TestMemoryLimit(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		name          string
		live, ceiling uint64
		want          int64
	}{
		{name: "little live", live: 16 * mib, ceiling: 128 * mib, want: 128 * mib},
		{name: "two thirds of the ceiling live", live: 86 * mib, ceiling: 129 * mib, want: 129 * mib},
		{name: "more than two thirds live", live: 100 * mib, ceiling: 128 * mib, want: 200 * mib},
		{name: "more than the ceiling live", live: 512 * mib, ceiling: 128 * mib, want: 1024 * mib},
		{name: "nothing live yet", live: 0, ceiling: 128 * mib, want: 128 * mib},
		{name: "more than an int64 live", live: math.MaxUint64 / 2, ceiling: 128 * mib, want: math.MaxInt64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := memoryLimit(tt.live, tt.ceiling); got != tt.want {
				t.Errorf("memoryLimit(%d, %d) = %d, want %d", tt.live, tt.ceiling, got, tt.want)
			}
		})
	}
}

// TestHoldsItsInput: the collector is tuned for lint, however it is named,
// and left alone for an audit, wherever its flags stand.
func TestHoldsItsInput(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want bool
	}{
		{name: "lint by default", args: []string{"k8s/"}, want: true},
		{name: "lint", args: []string{"lint", "-f", "json", "k8s/"}, want: true},
		{name: "no arguments", args: nil, want: true},
		{name: "audit", args: []string{"audit", "-n", "shop"}, want: false},
		{name: "audit after a root flag", args: []string{"--no-color", "audit"}, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := holdsItsInput(tt.args); got != tt.want {
				t.Errorf("holdsItsInput(%q) = %t, want %t", tt.args, got, tt.want)
			}
		})
	}
}
