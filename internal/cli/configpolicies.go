package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/slotwise/slotcheck/internal/config"
	"github.com/slotwise/slotcheck/internal/source"
)

// ConfigPolicies are the policy folders --config names, absolute: the
// engine of a command that reads one file (the audit, the webhook)
// compiles them beside the --policy folders (PolicyDirs), so that one file
// gives CI and the cluster the same rules. A folder that is not there is
// an input error at the file's policies line. src is the content of the
// file at path, nil for none; a file that does not decode names no folder
// here, and the command's own load of it reports why.
func ConfigPolicies(path string, src []byte) ([]string, error) {
	if path == "" || src == nil {
		return nil, nil
	}
	f, errs := config.ParseAt(path, path, src)
	if len(errs) > 0 {
		return nil, nil
	}
	return FilePolicies(f)
}

// FilePolicies are the policy folders of a file already loaded, as
// ConfigPolicies gives them.
func FilePolicies(f *config.File) ([]string, error) {
	dirs := f.PolicyDirs()
	for _, d := range dirs {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			n := f.PoliciesNode()
			return nil, UsageError{Err: source.Error{File: f.Path, Line: n.Line, Column: n.Column, Message: fmt.Sprintf(
				"policies: %s is not a folder that can be read (name it as this process sees it: in the webhook's pod, as mounted, such as the chart's /policies)", filepath.ToSlash(d))}}
		}
	}
	return dirs, nil
}

// PolicyDirs are the --policy folders and then those of the configuration
// file that no flag already names (compared as absolute paths): a folder
// given both ways compiles once, not as two folders whose ids collide.
func PolicyDirs(flagDirs, configDirs []string) []string {
	out := slices.Clone(flagDirs)
	given := map[string]bool{}
	for _, d := range flagDirs {
		if abs, err := filepath.Abs(d); err == nil {
			given[abs] = true
		}
	}
	for _, d := range configDirs {
		if !given[d] {
			out = append(out, d)
		}
	}
	return out
}
