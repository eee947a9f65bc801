package scan_test

import (
	"context"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/policies"
)

func TestTmpMem(t *testing.T) {
	dir := os.Getenv("TMPMEM_DIR")
	if dir == "" {
		t.Skip()
	}
	e, err := rules.New(context.Background(), policies.FS())
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	stop := make(chan bool)
	var maxLive uint64
	var dumpedAt uint64
	go func() {
		s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		for {
			select {
			case <-stop:
				stop <- true
				return
			case <-time.After(100 * time.Millisecond):
			}
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > maxLive {
				maxLive = v
			}
			if maxLive > dumpedAt+10<<20 {
				dumpedAt = maxLive
				f, _ := os.Create("/tmp/cmem/heapmid.pprof")
				pprof.WriteHeapProfile(f)
				f.Close()
			}
		}
	}()
	rep, err := scan.Run(context.Background(), e, scan.Options{Paths: []string{dir}, WorkDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	stop <- true
	<-stop
	runtime.GC()
	runtime.ReadMemStats(&after)
	f, _ := os.Create("/tmp/cmem/heap.pprof")
	pprof.WriteHeapProfile(f)
	f.Close()
	t.Logf("findings %d live %.1f MB max live during %.1f MB total alloc %.1f MB", len(rep.Findings), float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), float64(maxLive)/(1<<20), float64(after.TotalAlloc-before.TotalAlloc)/(1<<20))
	runtime.KeepAlive(rep)
}
