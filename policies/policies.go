// Package policies embeds slotcheck's Rego rules, their tests and the shared
// helpers, so that both binaries carry the exact rules the repository holds.
package policies

import (
	"embed"
	"io/fs"
)

//go:embed k8s dockerfile config lib
var files embed.FS

// FS returns the embedded policy tree: rules under k8s/, dockerfile/ and
// config/ (a configuration file's own exemptions),
// helpers under lib/, each rule's _test.rego beside it.
func FS() fs.FS { return files }
