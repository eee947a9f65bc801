package admission

import (
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
)

// conversions remembers the Rego value of each object of the informer cache
// that an inventory held, for as long as its UID and resourceVersion stay
// the same. The cache hands out the same objects review after review, and
// converting every NetworkPolicy and autoscaler of a namespace again for
// each review cost more than judging the object under review.
//
// Entries of objects no review has read for a while (deleted, or of a
// namespace nobody deploys to any more) are dropped: every sweepEvery
// inventories, those unused since the sweep before last go.
type conversions struct {
	mu         sync.Mutex
	entries    map[conversionKey]*conversion
	sweepEvery int
	calls      int
	epoch      uint64
}

type conversionKey struct{ kind, namespace, name string }

type conversion struct {
	uid             types.UID
	resourceVersion string
	value           ast.Value
	used            uint64
}

// defaultSweepEvery is how many inventories pass between two sweeps.
const defaultSweepEvery = 1024

func newConversions(sweepEvery int) *conversions {
	return &conversions{entries: map[conversionKey]*conversion{}, sweepEvery: sweepEvery}
}

// value is obj's Rego value: the one remembered while obj is unchanged,
// else convert's, remembered when obj has a resourceVersion to tell a
// change by.
func (c *conversions) value(kind string, obj runtime.Object, convert func() (ast.Value, error)) (ast.Value, error) {
	m, err := meta.Accessor(obj)
	if err != nil {
		return convert()
	}
	key := conversionKey{kind, m.GetNamespace(), m.GetName()}
	uid, rv := m.GetUID(), m.GetResourceVersion()
	c.mu.Lock()
	if e, ok := c.entries[key]; ok && rv != "" && e.uid == uid && e.resourceVersion == rv {
		e.used = c.epoch
		c.mu.Unlock()
		return e.value, nil
	}
	c.mu.Unlock()
	v, err := convert()
	if err != nil || rv == "" {
		return v, err
	}
	c.mu.Lock()
	c.entries[key] = &conversion{uid: uid, resourceVersion: rv, value: v, used: c.epoch}
	c.mu.Unlock()
	return v, nil
}

// inventoryDone counts an inventory and sweeps when one is due.
func (c *conversions) inventoryDone() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.calls++; c.calls < c.sweepEvery {
		return
	}
	c.calls = 0
	c.epoch++
	for k, e := range c.entries {
		if e.used+1 < c.epoch {
			delete(c.entries, k)
		}
	}
}

// size is how many conversions are remembered.
func (c *conversions) size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
