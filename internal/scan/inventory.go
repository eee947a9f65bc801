package scan

import (
	"slices"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/source"
)

// gathered is what a scan's first read keeps: the inventory the rules
// read, the objects it holds for the findings a rule places in one of
// them, and which objects they were, to check against the second read.
type gathered struct {
	inventory *rules.Inventory
	objects   Objects
	kinds     []string
	read      []objectKey
}

// objectKey is what tells an object of a scan from every other.
type objectKey struct {
	File, Root, Kind, Namespace, Name string
	Line                              int
}

func keyOf(o *source.Object) objectKey {
	return objectKey{File: o.File, Root: o.Root, Kind: o.Kind, Namespace: o.Namespace, Name: o.Name, Line: o.Line}
}

// gatherInventory is a scan's first read: it loads only the objects of the
// kinds the engine's rules read from input.inventory, which only the
// engine knows, and indexes them for the findings a rule places in one of
// them. They are all a scan keeps of its objects until every one is judged;
// the second read reports the problems of every file, so this one's are
// left out.
//
// It parses only the documents whose text names one of those kinds
// (source.Options.Kinds), unless exact: then it reads every object, as the
// second read does, and keeps those of the kinds.
func gatherInventory(engine *rules.Engine, paths []scanPath, opts Options, rd reading, exact bool) *gathered {
	reads := engine.Reads(false)
	g := &gathered{inventory: rules.NewInventory(reads), objects: Objects{}}
	if len(reads) == 0 {
		return g
	}
	for _, rd := range reads {
		g.kinds = append(g.kinds, rd.Kind)
	}
	for _, sp := range paths {
		lo := sp.loadOptions(opts, rd)
		lo.Kinds = g.kinds
		// Kept until every object is judged, to place the few findings a
		// rule puts in them: as text, parsed again for those.
		lo.KeepText = true
		if exact {
			lo.Kinds = nil
			lo.Each = func(objs []*source.Object) {
				for _, o := range objs {
					if !g.holds(o) {
						o.Release()
					}
				}
			}
		}
		for _, o := range source.Load([]string{sp.path}, lo).Objects {
			if g.holds(o) {
				g.inventory.Add(o.Kind, o.Namespace, o.Value)
				g.objects.add(o)
				g.read = append(g.read, keyOf(o))
			}
		}
	}
	return g
}

// holds reports whether the inventory takes an object of o's kind.
func (g *gathered) holds(o *source.Object) bool {
	return o.Domain == "k8s" && slices.Contains(g.kinds, o.Kind)
}

// matches reports whether the first read kept exactly the objects of the
// inventory's kinds that the second read loaded. It keeps more only past a
// YAML syntax error in a document it did not parse, where the second read
// stopped reading the file: the inventory then holds objects no other read
// sees, and the scan reads again with an exact first read.
func (g *gathered) matches(targets []target) bool {
	count := map[objectKey]int{}
	for _, k := range g.read {
		count[k]++
	}
	for _, t := range targets {
		if !g.holds(t.obj) {
			continue
		}
		k := keyOf(t.obj)
		if count[k] == 0 {
			return false
		}
		count[k]--
	}
	for _, n := range count {
		if n != 0 {
			return false
		}
	}
	return true
}
