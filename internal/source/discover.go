package source

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

func (l *loader) path(p string) {
	if p == "-" {
		if l.opts.Stdin == nil {
			l.errorf(StdinName, 0, 0, "no standard input")
			return
		}
		src, err := io.ReadAll(l.opts.Stdin)
		if err != nil {
			l.errorf(StdinName, 0, 0, "read: %v", err)
			return
		}
		l.single(func(res *Result) { l.parse(res, &converter{}, StdinName, src) })
		return
	}
	info, err := os.Stat(p)
	if err != nil {
		l.errorf(l.display(p), 0, 0, "%v", unwrapPathError(err))
		return
	}
	if !info.IsDir() {
		l.single(func(res *Result) { l.named(res, &converter{}, p) })
		return
	}
	var files, charts, dirs []string
	patches := map[string]bool{}
	err = filepath.WalkDir(p, func(fp string, d fs.DirEntry, err error) error {
		if err != nil {
			l.errorf(l.display(fp), 0, 0, "%v", unwrapPathError(err))
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if l.excluded(fp, p) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if fp != p && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			if _, err := os.Stat(filepath.Join(fp, "Chart.yaml")); err == nil {
				charts = append(charts, fp)
				return fs.SkipDir
			}
			dirs = append(dirs, fp)
			for _, patch := range kustomizePatches(fp) {
				patches[patch] = true
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		switch strings.ToLower(filepath.Ext(fp)) {
		case ".yaml", ".yml", ".json":
			files = append(files, fp)
		default:
			if IsDockerfileName(fp) {
				files = append(files, fp)
			}
		}
		return nil
	})
	if err != nil {
		l.errorf(l.display(p), 0, 0, "%v", err)
	}
	files = l.kustomize(files, dirs)
	var manifests []string
	for _, fp := range files {
		if abs, err := filepath.Abs(fp); err == nil && patches[abs] {
			l.res.Patches++
			continue
		}
		manifests = append(manifests, fp)
	}
	l.files(manifests, charts)
}

// single reads one file given on its own (a named file, standard input)
// and hands its objects to Options.Each before they join the result.
func (l *loader) single(read func(res *Result)) {
	n := len(l.res.Objects)
	read(l.res)
	l.opts.each(l.res.Objects[n:])
}

// kustomizePatches lists the files a folder's kustomization merges into
// other objects (patches, patchesStrategicMerge, patchesJson6902), as
// absolute paths. A kustomization that cannot be read names none: its
// problems are Kustomize's to report when it builds.
func kustomizePatches(dir string) []string {
	file := kustomizationFile(dir)
	if file == "" {
		return nil
	}
	src, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	var k struct {
		Patches []struct {
			Path string `yaml:"path"`
		} `yaml:"patches"`
		PatchesJSON6902 []struct {
			Path string `yaml:"path"`
		} `yaml:"patchesJson6902"`
		PatchesStrategicMerge []string `yaml:"patchesStrategicMerge"`
	}
	if yaml.Unmarshal(src, &k) != nil {
		return nil
	}
	var rel []string
	for _, p := range k.Patches {
		rel = append(rel, p.Path)
	}
	for _, p := range k.PatchesJSON6902 {
		rel = append(rel, p.Path)
	}
	// patchesStrategicMerge entries are file paths or inline patches.
	for _, p := range k.PatchesStrategicMerge {
		if !strings.Contains(p, "\n") && !strings.Contains(p, ":") {
			rel = append(rel, p)
		}
	}
	var out []string
	for _, r := range rel {
		if r == "" {
			continue
		}
		if abs, err := filepath.Abs(filepath.Join(dir, r)); err == nil {
			out = append(out, abs)
		}
	}
	return out
}
