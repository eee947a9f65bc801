package gcpace

import (
	"errors"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"testing"
)

func TestPercent(t *testing.T) {
	for _, tc := range []struct {
		name        string
		live, floor uint64
		want        int
	}{
		{name: "small heap grows to the floor", live: 8 << 20, floor: 128 << 20, want: 1500},
		{name: "half the floor is Go's own pace", live: 64 << 20, floor: 128 << 20, want: 100},
		{name: "above the floor", live: 512 << 20, floor: 128 << 20, want: 100},
		{name: "nothing live yet", live: 0, floor: 128, want: 12700},
		{name: "bounded", live: 1, floor: math.MaxUint64 / 2, want: math.MaxInt32},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Percent(tc.live, tc.floor); got != tc.want {
				t.Errorf("Percent(%d, %d) = %d, want %d", tc.live, tc.floor, got, tc.want)
			}
		})
	}
}

func TestContainerMemory(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  int64
		ok    bool
	}{
		{name: "cgroup v2", files: map[string]string{"/sys/fs/cgroup/memory.max": "1073741824\n"}, want: 1 << 30, ok: true},
		{name: "cgroup v2 unlimited", files: map[string]string{"/sys/fs/cgroup/memory.max": "max\n"}},
		{name: "cgroup v1", files: map[string]string{"/sys/fs/cgroup/memory/memory.limit_in_bytes": "536870912"}, want: 512 << 20, ok: true},
		{name: "cgroup v1 unlimited", files: map[string]string{"/sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712"}},
		{name: "none", files: map[string]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ContainerMemory(files(tc.files))
			if got != tc.want || ok != tc.ok {
				t.Errorf("ContainerMemory = %d, %v; want %d, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestFloor(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	for _, tc := range []struct {
		name      string
		memLimit  int64
		container string
		want      uint64
	}{
		{name: "no limit", memLimit: math.MaxInt64, want: DefaultFloor},
		{name: "a large container", memLimit: math.MaxInt64, container: "4294967296", want: DefaultFloor},
		{name: "a 256Mi container", memLimit: math.MaxInt64, container: "268435456", want: 64 << 20},
		{name: "GOMEMLIMIT below the container", memLimit: 128 << 20, container: "1073741824", want: 32 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			debug.SetMemoryLimit(tc.memLimit)
			fs := map[string]string{}
			if tc.container != "" {
				fs["/sys/fs/cgroup/memory.max"] = tc.container
			}
			if got := Floor(Env{ReadFile: files(fs)}); got != tc.want {
				t.Errorf("Floor = %d MiB, want %d MiB", got>>20, tc.want>>20)
			}
		})
	}
}

// TestStart checks that the pacer sets the collector's pace after a
// collection and hands it back when stopped, and that GOGC in the
// environment turns it off.
func TestStart(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	env := Env{Getenv: func(string) string { return "" }, ReadFile: os.ReadFile}
	stop := Start(env)
	paced := 100
	// The finalizer that retunes runs on its own goroutine after a cycle:
	// collect until it has, a bounded number of times.
	for range 1000 {
		runtime.GC()
		runtime.Gosched()
		if paced = debug.SetGCPercent(-1); paced != 100 {
			debug.SetGCPercent(paced)
			break
		}
		debug.SetGCPercent(paced)
	}
	stop()
	if paced <= 100 {
		t.Errorf("GOGC %d after a collection with a small live heap, want the floor's pace above 100", paced)
	}
	if after := debug.SetGCPercent(100); after != 100 {
		t.Errorf("GOGC %d after stop, want 100 back", after)
	}

	stop = Start(Env{Getenv: func(k string) string {
		if k == "GOGC" {
			return "50"
		}
		return ""
	}, ReadFile: os.ReadFile})
	defer stop()
	runtime.GC()
	runtime.GC()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC %d with GOGC set in the environment, want it left alone (100)", got)
	}
}

// files reads from a map, as os.ReadFile would from those files.
func files(m map[string]string) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		if s, ok := m[name]; ok {
			return []byte(s), nil
		}
		return nil, errors.New("no such file")
	}
}

// TestStartWithLimit: a pacing with a limit sets the soft memory limit
// before the first collection (Limit(0)) and after each one by what is
// live, and hands the limit it found back when stopped.
func TestStartWithLimit(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	before := debug.SetMemoryLimit(-1)
	const first, later = 1 << 40, 2 << 40
	var sawLive atomic.Bool
	stop := StartWith(Pacing{Floor: 64 << 20, Limit: func(live uint64) int64 {
		if live == 0 {
			return first
		}
		sawLive.Store(true)
		return later
	}})
	if got := debug.SetMemoryLimit(-1); got != first && got != later {
		t.Errorf("memory limit %d after start, want Limit(0) = %d", got, int64(first))
	}
	// The finalizer that retunes runs on its own goroutine after a cycle:
	// collect until the limit has moved, a bounded number of times.
	for range 1000 {
		runtime.GC()
		runtime.Gosched()
		if debug.SetMemoryLimit(-1) == later {
			break
		}
	}
	if got := debug.SetMemoryLimit(-1); !sawLive.Load() || got != later {
		t.Errorf("memory limit %d after collections (Limit asked with what is live: %v), want %d", got, sawLive.Load(), int64(later))
	}
	stop()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("memory limit %d after stop, want %d back", got, before)
	}
}
