package scan

import (
	"path/filepath"
	"slices"
	"strings"

	"github.com/slotwise/slotcheck/internal/config"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/source"
)

// configs loads the configuration files of a scan, each once.
type configs struct {
	opts   Options
	byPath map[string]*Configuration
	// order lists the files loaded, in the order first met.
	order []*Configuration
	// broken lists the files with problems, which are not applied.
	broken []*config.File
}

func newConfigs(opts Options) *configs {
	return &configs{opts: opts, byPath: map[string]*Configuration{}}
}

// forPath is the configuration of a scanned path: the one given
// (Options.Config), else the nearest found from the path upwards; nil when
// there is none. A file that cannot be read is reported once in rep, and the
// path is scanned without it.
func (c *configs) forPath(rep *Report, p string) *Configuration {
	file := c.opts.Config
	if file == "" {
		from := p
		if p == "-" {
			from = c.opts.WorkDir
		}
		if file = config.Find(from); file == "" {
			return nil
		}
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		abs = file
	}
	if cs, seen := c.byPath[abs]; seen {
		return cs
	}
	f, errs := config.Load(file, display(c.opts.WorkDir, abs))
	rep.Errors = append(rep.Errors, errs...)
	var cs *Configuration
	switch {
	case f != nil && len(errs) == 0:
		cs = NewConfiguration(f)
		c.order = append(c.order, cs)
	case f != nil:
		// Not applied, but its rule ids are still checked, so that one
		// run reports every problem of the file.
		c.broken = append(c.broken, f)
	}
	c.byPath[abs] = cs
	return cs
}

// checkRules reports the rule ids the loaded files name that the engine
// does not know, and the workload kinds they name that its policies judge
// already.
func (c *configs) checkRules(rep *Report, engine *rules.Engine) {
	known := func(id string) bool { _, ok := engine.Rule(id); return ok }
	builtin := engine.WorkloadKinds()
	for _, cs := range c.order {
		rep.Errors = append(rep.Errors, cs.file.CheckRules(known)...)
		rep.Errors = append(rep.Errors, cs.file.CheckWorkloads(builtin)...)
	}
	for _, f := range c.broken {
		rep.Errors = append(rep.Errors, f.CheckRules(known)...)
		rep.Errors = append(rep.Errors, f.CheckWorkloads(builtin)...)
	}
}

// display is how reports show an absolute path: relative to the working
// directory when inside it, with forward slashes.
func display(workDir, abs string) string {
	if rel, err := filepath.Rel(workDir, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") && !filepath.IsAbs(rel) {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(abs)
}

// excludes is the --exclude globs with the configuration's.
func (cs *Configuration) excludes(given []string) []string {
	if cs == nil || len(cs.file.Exclude) == 0 {
		return given
	}
	out := slices.Clone(given)
	for _, g := range cs.file.Exclude {
		out = append(out, string(g))
	}
	return out
}

// paths names an object's file the ways an exemption's paths may: as
// reports show it, and relative to the configuration's folder.
func (cs *Configuration) paths(workDir string, o *source.Object) []string {
	abs := o.File
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(workDir, filepath.FromSlash(o.File))
	}
	out := []string{o.File}
	if rel, err := filepath.Rel(cs.file.Dir, abs); err == nil {
		out = append(out, filepath.ToSlash(rel))
	}
	return out
}
