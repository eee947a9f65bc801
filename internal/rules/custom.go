package rules

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// Folder is a folder of custom policies: Rego rule packages under the same
// METADATA contract as slotcheck's own, loaded beside them.
type Folder struct {
	// Name is how reports and errors name the folder: the path as given,
	// with forward slashes. Its files are named Name/<path inside FS>.
	Name string
	FS   fs.FS
}

// WithPolicies adds custom policy folders to the engine's rules. Their
// rules are held to the built-in rules' contract, and a problem in them is
// a *PolicyError.
func WithPolicies(folders ...Folder) Option {
	return func(o *options) { o.folders = append(o.folders, folders...) }
}

// PolicyError is a problem of the policies themselves: a file that does not
// parse or compile, METADATA that breaks the contract, a rule id declared
// twice. For custom policies it is the user's input error; each problem
// names its file and line.
type PolicyError struct{ Err error }

func (e *PolicyError) Error() string { return e.Err.Error() }
func (e *PolicyError) Unwrap() error { return e.Err }

// customPackage is what a custom rule's package may be: a rule of one of
// the domains a target is judged in, never a helper of lib (which would
// change every built-in rule that imports it) nor a configuration rule.
var customPackage = regexp.MustCompile(`^data\.(k8s|dockerfile)\.[a-z_][a-z0-9_]*$`)

// ParseFolder reads every .rego file of a custom policy folder, keyed by
// its name as reports show it (folder name joined with the path inside).
// Test files are included only when asked.
func ParseFolder(f Folder, withTests bool) (map[string]*ast.Module, error) {
	modules := map[string]*ast.Module{}
	err := fs.WalkDir(f.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != "." && strings.HasPrefix(d.Name(), ".") {
			// Hidden folders hold no policies: a ConfigMap volume keeps its
			// files in ..<timestamp>/ behind the symbolic links it shows.
			return fs.SkipDir
		}
		if d.IsDir() || path.Ext(p) != ".rego" || (!withTests && strings.HasSuffix(p, "_test.rego")) {
			return nil
		}
		name := path.Join(f.Name, p)
		src, err := fs.ReadFile(f.FS, p)
		if err != nil {
			return fmt.Errorf("read policy %s: %w", name, err)
		}
		m, err := ast.ParseModuleWithOpts(name, string(src), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
		if err != nil {
			return fmt.Errorf("parse policy %s: %w", name, err)
		}
		modules[name] = m
		return nil
	})
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) && pe.Path == "." {
			return nil, fmt.Errorf("policy folder %s: %w", f.Name, pe.Err)
		}
		return nil, err
	}
	if len(modules) == 0 {
		return nil, fmt.Errorf("policy folder %s holds no .rego file", f.Name)
	}
	return modules, nil
}

// addFolders parses the custom folders into modules, beside the built-in
// ones, and returns the names of the files they added.
func addFolders(modules map[string]*ast.Module, folders []Folder) (map[string]bool, error) {
	custom := map[string]bool{}
	for _, f := range folders {
		ms, err := ParseFolder(f, false)
		if err != nil {
			return nil, err
		}
		for name, m := range ms {
			if _, taken := modules[name]; taken {
				return nil, fmt.Errorf("policy %s is loaded twice: give each policy folder once", name)
			}
			modules[name] = m
			custom[name] = true
		}
	}
	return custom, nil
}

// checkCustomPackage holds a custom file to the packages it may declare.
func checkCustomPackage(file string, m *ast.Module) *MetadataError {
	if customPackage.MatchString(m.Package.Path.String()) {
		return nil
	}
	return &MetadataError{file, m.Package.Location.Row, fmt.Sprintf(
		"package %s: a custom policy is a rule package k8s.<id> or dockerfile.<id>",
		strings.TrimPrefix(m.Package.Path.String(), "data."))}
}

// checkNoWith refuses `with` outside tests: it replaces input or data while
// a rule is evaluated, which the planned evaluator does not run and a rule
// has no reason to do (tests use it to give rules their input).
func checkNoWith(file string, m *ast.Module) []*MetadataError {
	var errs []*MetadataError
	ast.WalkExprs(m, func(e *ast.Expr) bool {
		if len(e.With) > 0 {
			errs = append(errs, &MetadataError{file, e.With[0].Location.Row,
				fmt.Sprintf("%s: a rule may not use with (only tests replace input or data)", e.With[0])})
		}
		return false
	})
	return errs
}
