package rules

import (
	"testing"

	"github.com/slotwise/slotcheck/policies"
)

// BenchmarkReadRules is what the strict METADATA decoding adds to an
// engine's start, beside parsing the policies, which every start does anyway.
func BenchmarkReadRules(b *testing.B) {
	b.Run("parse", func(b *testing.B) {
		for b.Loop() {
			if _, err := ParseModules(policies.FS(), false); err != nil {
				b.Fatal(err)
			}
		}
	})
	modules, err := ParseModules(policies.FS(), false)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("metadata", func(b *testing.B) {
		for b.Loop() {
			if _, err := readRules(modules, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}
