package rules

import (
	"fmt"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// CheckTests holds each rule to having tests both ways: package
// <rule package>_test among modules declares at least one test_allow_ and
// one test_deny_ rule. Built-in and custom rules are held to it alike. A
// problem is reported at the package line of the rule's file when modules
// hold it.
func CheckTests(rs []*Rule, modules map[string]*ast.Module) []*MetadataError {
	names := map[string][]string{} // test package -> test rule names
	for _, m := range modules {
		pkg := strings.TrimPrefix(m.Package.Path.String(), "data.")
		if !strings.HasSuffix(pkg, "_test") {
			continue
		}
		for _, r := range m.Rules {
			names[pkg] = append(names[pkg], r.Head.Name.String())
		}
	}
	var errs []*MetadataError
	for _, r := range rs {
		var allow, deny int
		for _, name := range names[r.Package+"_test"] {
			switch {
			case strings.HasPrefix(name, "test_allow_"):
				allow++
			case strings.HasPrefix(name, "test_deny_"):
				deny++
			}
		}
		if allow > 0 && deny > 0 {
			continue
		}
		line := 0
		if m, ok := modules[r.File]; ok {
			line = m.Package.Location.Row
		}
		errs = append(errs, &MetadataError{r.File, line, fmt.Sprintf(
			"rule %s has %d test_allow_ and %d test_deny_ tests in package %s_test; it needs both", r.ID, allow, deny, r.Package)})
	}
	return errs
}
