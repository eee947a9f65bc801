package scan

import (
	"github.com/slotwise/slotcheck/internal/kube"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/source"
)

// gatherInventory is a scan's first read: it loads only the objects of the
// kinds the engine's rules read from input.inventory, which only the
// engine knows, and indexes them for the findings a rule places in one of
// them. They are all a scan keeps of its objects until every one is judged;
// the second read reports the problems of every file, so this one's are
// left out.
func gatherInventory(engine *rules.Engine, paths []scanPath, opts Options, checker *kube.Checker) (*rules.Inventory, Objects) {
	reads := engine.Reads(false)
	inventory, objects := rules.NewInventory(reads), Objects{}
	if len(reads) == 0 {
		return inventory, objects
	}
	kinds := make([]string, 0, len(reads))
	for _, rd := range reads {
		kinds = append(kinds, rd.Kind)
	}
	for _, sp := range paths {
		lo := sp.loadOptions(opts, checker)
		lo.Kinds = kinds
		// Kept until every object is judged, to place the few findings a
		// rule puts in them: as text, parsed again for those.
		lo.KeepText = true
		for _, o := range source.Load([]string{sp.path}, lo).Objects {
			inventory.Add(o.Kind, o.Namespace, o.Value)
			objects.add(o)
		}
	}
	return inventory, objects
}
