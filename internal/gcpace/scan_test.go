package gcpace

import (
	"math"
	"runtime/debug"
	"testing"
)

// TestScanLimit: the limit is the ceiling while what is live is small,
// then twice what is live, Go's own pace, up to ScanBound, and never less
// than half again what is live, so that a large scan does not collect over
// and over near the limit.
func TestScanLimit(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		name          string
		live, ceiling uint64
		want          int64
	}{
		{name: "little live", live: 16 * mib, ceiling: 128 * mib, want: 128 * mib},
		{name: "two thirds of the ceiling live", live: 86 * mib, ceiling: 129 * mib, want: 129 * mib},
		{name: "more than two thirds live", live: 100 * mib, ceiling: 128 * mib, want: 200 * mib},
		{name: "twice what is live under the bound", live: 150 * mib, ceiling: 128 * mib, want: 300 * mib},
		{name: "twice what is live over the bound", live: 200 * mib, ceiling: 128 * mib, want: ScanBound},
		{name: "half again what is live over the bound", live: 240 * mib, ceiling: 128 * mib, want: 360 * mib},
		{name: "more than the bound live", live: 512 * mib, ceiling: 128 * mib, want: 768 * mib},
		{name: "nothing live yet", live: 0, ceiling: 128 * mib, want: 128 * mib},
		{name: "more than an int64 live", live: math.MaxUint64 / 2, ceiling: 128 * mib, want: math.MaxInt64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ScanLimit(tt.live, tt.ceiling); got != tt.want {
				t.Errorf("ScanLimit(%d, %d) = %d, want %d", tt.live, tt.ceiling, got, tt.want)
			}
		})
	}
}

// TestStartScan: a scan's soft memory limit is the ceiling, or half its
// container's memory if less, until it is stopped; GOGC or GOMEMLIMIT in
// the environment leave the collector alone.
func TestStartScan(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	const mib = 1 << 20
	before := debug.SetMemoryLimit(-1)
	tests := []struct {
		name      string
		env       map[string]string
		container string
		want      int64
	}{
		{name: "no container", want: ScanCeiling},
		{name: "a large container", container: "4294967296", want: ScanCeiling},
		{name: "a 200Mi container", container: "209715200", want: 100 * mib},
		{name: "GOGC set", env: map[string]string{"GOGC": "200"}, container: "209715200", want: before},
		{name: "GOMEMLIMIT set", env: map[string]string{"GOMEMLIMIT": "1GiB"}, want: before},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := map[string]string{}
			if tt.container != "" {
				fs["/sys/fs/cgroup/memory.max"] = tt.container
			}
			stop := StartScan(Env{Getenv: func(k string) string { return tt.env[k] }, ReadFile: files(fs)})
			got := debug.SetMemoryLimit(-1)
			stop()
			if got != tt.want {
				t.Errorf("memory limit %d MiB while paced, want %d MiB", got/mib, tt.want/mib)
			}
			if after := debug.SetMemoryLimit(-1); after != before {
				t.Errorf("memory limit %d after stop, want %d back", after, before)
			}
		})
	}
}
