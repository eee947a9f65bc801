package config

import (
	"fmt"

	"github.com/slotwise/slotcheck/internal/source"
)

// CheckRules reports every rule id the file names that known does not
// know, at the place it is written: a misspelt id would otherwise disable
// or exempt nothing, silently.
func (f *File) CheckRules(known func(id string) bool) []source.Error {
	var ps []problem
	for _, r := range f.refs {
		if !known(string(r.id)) {
			ps = append(ps, problem{r.pos, fmt.Sprintf("unknown rule %s: `slotcheck rules` lists the rules", r.id)})
		}
	}
	return errorsOf(f.Path, ps)
}
