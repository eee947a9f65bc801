package main

import (
	"io/fs"
	"math"
	"testing"
)

func TestContainerMemory(t *testing.T) {
	const v2, v1 = "/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"
	tests := []struct {
		name  string
		files map[string]string
		want  int64
		ok    bool
	}{
		{"no cgroup", nil, 0, false},
		{"v2 unlimited", map[string]string{v2: "max\n"}, 0, false},
		{"v2 limit", map[string]string{v2: "2147483648\n"}, 2 << 30, true},
		{"v1 limit", map[string]string{v1: "1073741824\n"}, 1 << 30, true},
		{"v1 unlimited", map[string]string{v1: "9223372036854771712\n"}, 0, false},
		{"v2 wins", map[string]string{v2: "536870912", v1: "1073741824"}, 512 << 20, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			read := func(path string) ([]byte, error) {
				if s, ok := tt.files[path]; ok {
					return []byte(s), nil
				}
				return nil, fs.ErrNotExist
			}
			got, ok := containerMemory(read)
			if got != tt.want || ok != tt.ok {
				t.Errorf("got %d, %v; want %d, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestGCPercent: the heap grows to the floor while little is live, then
// to twice what is live.
func TestGCPercent(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		name        string
		live, floor uint64
		want        int
	}{
		{name: "little live", live: 16 * mib, floor: 128 * mib, want: 700},
		{name: "half the floor live", live: 64 * mib, floor: 128 * mib, want: 100},
		{name: "more than the floor live", live: 512 * mib, floor: 128 * mib, want: 100},
		{name: "just under half the floor", live: 63 * mib, floor: 128 * mib, want: 103},
		{name: "nothing live yet", live: 0, floor: 128 * mib, want: math.MaxInt32},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := gcPercent(tt.live, tt.floor); got != tt.want {
				t.Errorf("gcPercent(%d, %d) = %d, want %d", tt.live, tt.floor, got, tt.want)
			}
		})
	}
}

// TestMemoryLimit: the limit is the ceiling while what is live is small,
// then half again what is live, so that a collection always frees a third
// of the heap.
func TestMemoryLimit(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		name          string
		live, ceiling uint64
		want          int64
	}{
		{name: "little live", live: 16 * mib, ceiling: 128 * mib, want: 128 * mib},
		{name: "two thirds of the ceiling live", live: 86 * mib, ceiling: 129 * mib, want: 129 * mib},
		{name: "more than two thirds live", live: 100 * mib, ceiling: 128 * mib, want: 150 * mib},
		{name: "more than the ceiling live", live: 512 * mib, ceiling: 128 * mib, want: 768 * mib},
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
