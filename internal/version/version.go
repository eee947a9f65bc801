// Package version tells which slotcheck this is.
package version

import "runtime/debug"

// version is stamped at build time with -ldflags "-X
// github.com/slotwise/slotcheck/internal/version.version=v1.2.3"; it is never
// written at run time.
var version string

// String is the stamped version, else the module version Go recorded, else
// 0.0.0-dev (numeric, as SARIF consumers compare versions).
func String() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "0.0.0-dev"
}
