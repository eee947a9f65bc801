package source

import (
	"os"
	"path"
	"path/filepath"
	"strings"

	"helm.sh/helm/v3/pkg/chart"
	chartloader "helm.sh/helm/v3/pkg/chart/loader"
)

// ArchiveSeparator joins a packed subchart's archive and the path of a file
// inside it in a reported path, as in
// charts/redis-17.0.0.tgz//redis/templates/deployment.yaml: the archive is
// the file on disk, the rest where to look inside it.
const ArchiveSeparator = "//"

// SplitArchive splits a reported path into the archive on disk and the path
// inside it; ok is false for a file on disk.
func SplitArchive(file string) (archive, entry string, ok bool) {
	i := strings.Index(file, ".tgz"+ArchiveSeparator)
	if i < 0 {
		return file, "", false
	}
	return file[:i+len(".tgz")], file[i+len(".tgz"+ArchiveSeparator):], true
}

// templateSource is a template as slotcheck reports it: the path shown and
// its lines, which findings are placed on.
type templateSource struct {
	file  string
	lines []string
}

// templateSources maps the name Helm renders each template of a chart and
// its subcharts under (shop/charts/redis/templates/x.yaml) to its source: a
// subchart in a folder under charts/ is reported in that folder, one packed
// as charts/<name>-<version>.tgz in the archive (see ArchiveSeparator).
// The lines come from the loaded chart, so an archive's templates need not
// be unpacked.
func templateSources(display, dir string, ch *chart.Chart) map[string]templateSource {
	out := map[string]templateSource{}
	var walk func(c *chart.Chart, name, shown, disk string)
	walk = func(c *chart.Chart, name, shown, disk string) {
		for _, t := range c.Templates {
			// Joined by hand: path.Join would clean the archive's // away.
			out[name+"/"+t.Name] = templateSource{file: shown + "/" + path.Clean(t.Name), lines: strings.Split(string(t.Data), "\n")}
		}
		for _, sub := range c.Dependencies() {
			subName := name + "/charts/" + sub.Name()
			folder := shown + "/charts/" + sub.Name()
			switch {
			case disk == "":
				walk(sub, subName, folder, "") // inside an archive
			case isDir(filepath.Join(disk, "charts", sub.Name())):
				walk(sub, subName, folder, filepath.Join(disk, "charts", sub.Name()))
			default:
				if archive := subchartArchive(filepath.Join(disk, "charts"), sub); archive != "" {
					walk(sub, subName, shown+"/charts/"+archive+ArchiveSeparator+sub.Name(), "")
				} else {
					walk(sub, subName, folder, filepath.Join(disk, "charts", sub.Name()))
				}
			}
		}
	}
	walk(ch, ch.Name(), display, dir)
	return out
}

// subchartArchive is the file name of the archive under charts/ that holds
// sub: <name>-<version>.tgz as helm dependency build writes it, else any
// .tgz whose chart has sub's name; "" when none does.
func subchartArchive(charts string, sub *chart.Chart) string {
	conventional := sub.Name() + "-" + sub.Metadata.Version + ".tgz"
	if _, err := os.Stat(filepath.Join(charts, conventional)); err == nil {
		return conventional
	}
	archives, _ := filepath.Glob(filepath.Join(charts, "*.tgz"))
	for _, a := range archives {
		if c, err := chartloader.LoadFile(a); err == nil && c.Name() == sub.Name() {
			return filepath.Base(a)
		}
	}
	return ""
}

func isDir(p string) bool {
	info, err := os.Stat(p)
	return err == nil && info.IsDir()
}
