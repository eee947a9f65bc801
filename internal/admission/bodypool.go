package admission

import (
	"math/bits"
	"sync"
)

// Request bodies are read into buffers of a power-of-two size, from 4 KiB
// (smallest) to the first power of two above maxBody, and each size has
// its own pool. A fresh buffer per request made the webhook's garbage: at
// one review of a 3 MiB object in twenty-five, nine tenths of the bytes it
// allocated were bodies, and each 3 MiB allocation during a collection's
// mark phase cost the request that made it megabytes of mark assist.
const (
	smallestBody = 12
	largestBody  = 23
)

// bodyPool lends buffers for request bodies. A buffer nobody borrows is
// dropped by the second collection after its return (sync.Pool), and the
// runtime collects at least every two minutes: a burst of large bodies
// leaves no memory behind for long.
type bodyPool struct {
	sizes [largestBody - smallestBody + 1]sync.Pool
}

// sizeClass is the index of the smallest size that holds n bytes, and
// false when n is beyond the largest.
func sizeClass(n int) (int, bool) {
	if n <= 1<<smallestBody {
		return 0, true
	}
	c := bits.Len(uint(n-1)) - smallestBody
	return c, c < len(bodyPool{}.sizes)
}

// get lends a buffer of length n: a pooled one when one is free, else a
// new one of its size class (n itself when n is beyond every class). Its
// contents are whatever the last borrower left.
func (p *bodyPool) get(n int) []byte {
	c, ok := sizeClass(n)
	if !ok {
		return make([]byte, n)
	}
	if b, _ := p.sizes[c].Get().(*[]byte); b != nil {
		return (*b)[:n]
	}
	return make([]byte, n, 1<<(c+smallestBody))
}

// put returns a buffer get lent. The caller must hold no slice of it: the
// next request overwrites it. A buffer of any other capacity is left to
// the collector.
func (p *bodyPool) put(b []byte) {
	c, ok := sizeClass(cap(b))
	if !ok || cap(b) != 1<<(c+smallestBody) {
		return
	}
	b = b[:0]
	p.sizes[c].Put(&b)
}
