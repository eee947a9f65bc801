package gcpace

import (
	"runtime/debug"
	"testing"
)

// TestCeiling: a batch job's limit is its ceiling, or half its
// container's memory if less; GOGC or GOMEMLIMIT in the environment mean
// no limit of the job's own.
func TestCeiling(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		name      string
		env       map[string]string
		container string
		want      int64
		wantOK    bool
	}{
		{name: "no container", want: 200 * mib, wantOK: true},
		{name: "a large container", container: "4294967296", want: 200 * mib, wantOK: true},
		{name: "a 256Mi container", container: "268435456", want: 128 * mib, wantOK: true},
		{name: "an unlimited container", container: "max", want: 200 * mib, wantOK: true},
		{name: "GOGC set", env: map[string]string{"GOGC": "off"}, container: "268435456"},
		{name: "GOMEMLIMIT set", env: map[string]string{"GOMEMLIMIT": "1GiB"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := map[string]string{}
			if tt.container != "" {
				fs["/sys/fs/cgroup/memory.max"] = tt.container
			}
			got, ok := Ceiling(Env{Getenv: func(k string) string { return tt.env[k] }, ReadFile: files(fs)}, 200*mib)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Ceiling = %d MiB, %v; want %d MiB, %v", got/mib, ok, tt.want/mib, tt.wantOK)
			}
		})
	}
}

// TestStartAudit: an audit's soft memory limit is AuditCeiling, or half
// its container's memory if less, until it is stopped; GOGC or GOMEMLIMIT
// in the environment leave the limit alone. Unlike a scan, an audit keeps
// Go's pace (GOGC stays as it was).
func TestStartAudit(t *testing.T) {
	const mib = 1 << 20
	before := debug.SetMemoryLimit(-1)
	tests := []struct {
		name      string
		env       map[string]string
		container string
		want      int64
	}{
		{name: "no container", want: AuditCeiling},
		{name: "a 300Mi container", container: "314572800", want: 150 * mib},
		{name: "GOGC set", env: map[string]string{"GOGC": "200"}, container: "314572800", want: before},
		{name: "GOMEMLIMIT set", env: map[string]string{"GOMEMLIMIT": "1GiB"}, want: before},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := map[string]string{}
			if tt.container != "" {
				fs["/sys/fs/cgroup/memory.max"] = tt.container
			}
			pace := debug.SetGCPercent(-1)
			debug.SetGCPercent(pace)
			stop := StartAudit(Env{Getenv: func(k string) string { return tt.env[k] }, ReadFile: files(fs)})
			got := debug.SetMemoryLimit(-1)
			paced := debug.SetGCPercent(-1)
			debug.SetGCPercent(paced)
			stop()
			after := debug.SetMemoryLimit(1 << 40)
			stop() // a second stop hands nothing back
			if again := debug.SetMemoryLimit(before); again != 1<<40 {
				t.Errorf("memory limit %d after a second stop, want %d left alone", again, int64(1<<40))
			}
			if got != tt.want {
				t.Errorf("memory limit %d MiB while auditing, want %d MiB", got/mib, tt.want/mib)
			}
			if paced != pace {
				t.Errorf("GOGC %d while auditing, want %d left alone", paced, pace)
			}
			if after != before {
				t.Errorf("memory limit %d after stop, want %d back", after, before)
			}
		})
	}
}
