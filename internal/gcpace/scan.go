package gcpace

import "math"

// ScanFloor is the heap a scan grows to before it collects garbage at all,
// unless its container allows less.
const ScanFloor = 64 << 20

// ScanCeiling is the soft limit on the memory of a scan whose live heap is
// small: half a container's memory, if less.
const ScanCeiling = 128 << 20

// StartScan paces the collector for a scan of files, the CLI's pacing,
// which the scan's benchmarks share so that they measure what the CLI does.
// A scan keeps only the inventory and the findings live while it makes
// some 65 KB of garbage per object judged. Paced by Go's default, at twice
// a few megabytes, the collector would run hundreds of times to free
// little each time; paced at twice what it finds live, the heap outgrows
// what the scan needs, the more so on a busy machine, where a collection
// takes long and what is allocated meanwhile counts as live. So the heap
// grows to ScanFloor before each collection, and to twice what is live
// once that is more, under a soft limit of ScanCeiling on the process's
// memory (the binary's own pages, some 55 MiB, come on top), raised to
// twice what is live once two thirds of it is live, but no higher than
// ScanBound while that leaves room (ScanLimit), so that the collector never
// runs without end on a large scan. Near the limit the collector runs more
// often: that is the price of the bound.
//
// GOGC or GOMEMLIMIT in the environment take precedence: then it does
// nothing. It returns a function that hands pacing back.
func StartScan(env Env) (stop func()) {
	limit, ok := Ceiling(env, ScanCeiling)
	if !ok {
		return func() {}
	}
	ceiling := uint64(limit)
	floor := min(uint64(ScanFloor), ceiling/2)
	return StartWith(Pacing{Floor: floor, Limit: func(live uint64) int64 { return ScanLimit(live, ceiling) }})
}

// ScanBound is the soft limit on the memory of a scan whose live heap is
// large, as long as it leaves the heap room to grow by half what is live
// (ScanLimit): with the binary's own pages on top, a scan of 100,000
// objects then stays under 400 MiB of resident memory.
const ScanBound = 320 << 20

// ScanLimit is the soft limit on a scan's memory once live bytes are live:
// the ceiling while a collection frees at least a third of the heap under
// it, then twice what is live, which is Go's own pace, up to ScanBound,
// and half again what is live once that is more. A limit kept at half
// again what is live throughout cost a scan of 100,000 objects two and a
// half times the CPU time of Go's pace (150 s against 58 s on an idle
// machine); ScanBound costs collections only where twice what is live
// passes it, and more of them the nearer what is live comes to it.
func ScanLimit(live, ceiling uint64) int64 {
	if live <= ceiling/3*2 {
		return int64(min(ceiling, math.MaxInt64))
	}
	if live > math.MaxInt64/2 {
		return math.MaxInt64
	}
	return int64(max(min(2*live, ScanBound), live+live/2))
}
