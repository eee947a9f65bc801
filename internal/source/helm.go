package source

import (
	"fmt"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"

	"helm.sh/helm/v3/pkg/chart"
	chartloader "helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"helm.sh/helm/v3/pkg/strvals"
	"sigs.k8s.io/yaml"
)

// DefaultKubeVersion is the Kubernetes version charts are rendered for
// unless told otherwise: the version of the API types slotcheck checks
// manifests against.
const DefaultKubeVersion = "v1.37.0"

// HelmOptions are the helm template settings a chart is rendered with.
type HelmOptions struct {
	// ValuesFiles are merged over the chart's values, later files winning.
	ValuesFiles []string
	// Set holds --set expressions (a.b=c), applied after the files.
	Set []string
	// ReleaseName and Namespace are .Release.Name and .Release.Namespace.
	ReleaseName string
	Namespace   string
	// KubeVersion is .Capabilities.KubeVersion; empty means DefaultKubeVersion.
	KubeVersion string
}

// chart renders a Helm chart folder with the Helm SDK, as `helm template`
// does, and reads every rendered manifest. Each object is reported in its
// template file, at the line of the offending field when the template
// spells it out.
func (l *loader) chart(res *Result, c *converter, dir string) {
	display := l.display(dir)
	ch, err := chartloader.Load(dir)
	if err != nil {
		res.errorf(display+"/Chart.yaml", 0, 0, "Helm chart: %v", err)
		return
	}
	vals, err := l.helmValues()
	if err != nil {
		res.errorf(display+"/Chart.yaml", 0, 0, "Helm values: %v", err)
		return
	}
	opts := l.opts.Helm
	kube := opts.KubeVersion
	if kube == "" {
		kube = DefaultKubeVersion
	}
	kv, err := chartutil.ParseKubeVersion(kube)
	if err != nil {
		res.errorf(display+"/Chart.yaml", 0, 0, "--kube-version: %v", err)
		return
	}
	caps := *chartutil.DefaultCapabilities
	caps.KubeVersion = *kv
	if ch.Metadata.KubeVersion != "" && !chartutil.IsCompatibleRange(ch.Metadata.KubeVersion, kv.String()) {
		res.errorf(display+"/Chart.yaml", 0, 0, "Helm chart requires kubeVersion %s, rendering for %s (set --kube-version)", ch.Metadata.KubeVersion, kv.String())
		return
	}
	if missing := missingDependencies(ch); len(missing) > 0 {
		res.errorf(display+"/Chart.yaml", 0, 0, "Helm chart dependencies %s are not in charts/: run helm dependency build %s", strings.Join(missing, ", "), display)
		return
	}
	if err := chartutil.ProcessDependenciesWithMerge(ch, vals); err != nil {
		res.errorf(display+"/Chart.yaml", 0, 0, "Helm chart dependencies: %v", err)
		return
	}
	release := opts.ReleaseName
	if release == "" {
		release = "release-name"
	}
	namespace := opts.Namespace
	if namespace == "" {
		namespace = "default"
	}
	top, err := chartutil.ToRenderValues(ch, vals, chartutil.ReleaseOptions{Name: release, Namespace: namespace, IsInstall: true, Revision: 1}, &caps)
	if err != nil {
		res.errorf(display+"/values.yaml", 0, 0, "Helm values: %v", err)
		return
	}
	sources := templateSources(display, dir, ch)
	rendered, err := engine.Render(ch, top)
	if err != nil {
		file, line, msg := templateError(err)
		if file != "" {
			file = templateFile(display, ch, sources, file)
		} else {
			file = display + "/Chart.yaml"
		}
		res.errorf(file, line, 0, "Helm template: %s", msg)
		return
	}
	res.Charts = append(res.Charts, display)
	names := make([]string, 0, len(rendered))
	for name := range rendered {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		ext := strings.ToLower(path.Ext(name))
		if (ext != ".yaml" && ext != ".yml" && ext != ".json") || strings.TrimSpace(rendered[name]) == "" {
			continue // NOTES.txt, helpers, templates that rendered nothing
		}
		file := templateFile(display, ch, sources, name)
		tmpl := sources[name].lines
		part := &Result{}
		l.parse(part, c, file, []byte(rendered[name]))
		for _, o := range part.Objects {
			o.template = tmpl
		}
		for i := range part.Errors {
			part.Errors[i].Message = "rendered template: " + part.Errors[i].Message
		}
		res.Objects = append(res.Objects, part.Objects...)
		res.Errors = append(res.Errors, part.Errors...)
		res.Skipped += part.Skipped
		res.Files += part.Files
	}
}

// missingDependencies lists the dependencies Chart.yaml declares that the
// chart does not carry, as helm template refuses them.
func missingDependencies(ch *chart.Chart) []string {
	var missing []string
	for _, d := range ch.Metadata.Dependencies {
		found := slices.ContainsFunc(ch.Dependencies(), func(c *chart.Chart) bool { return c.Name() == d.Name })
		if !found {
			missing = append(missing, d.Name)
		}
	}
	return missing
}

// helmValues merges --values files and --set expressions, as helm does.
func (l *loader) helmValues() (map[string]any, error) {
	vals := map[string]any{}
	for _, f := range l.opts.Helm.ValuesFiles {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("--values %s: %w", f, err)
		}
		var m map[string]any
		if err := yaml.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("--values %s: %w", f, err)
		}
		vals = chartutil.MergeTables(m, vals)
	}
	for _, s := range l.opts.Helm.Set {
		if err := strvals.ParseInto(s, vals); err != nil {
			return nil, fmt.Errorf("--set %s: %w", s, err)
		}
	}
	return vals, nil
}

// templateFile maps a template's name (mychart/charts/sub/templates/x.yaml)
// to its file as reports show it: under the chart folder, or inside a
// subchart's archive.
func templateFile(display string, ch *chart.Chart, sources map[string]templateSource, name string) string {
	if src, ok := sources[name]; ok {
		return src.file
	}
	return path.Join(display, strings.TrimPrefix(name, ch.Name()+"/"))
}

var (
	templateErrorAt  = regexp.MustCompile(`template: ([^:]+):(\d+):(?:\d+:)? (.*)$`)
	executionErrorAt = regexp.MustCompile(`execution error at \(([^:]+):(\d+):\d+\): (.*)$`)
)

// templateError finds the template and line in a Helm render error.
func templateError(err error) (string, int, string) {
	msg := err.Error()
	for _, re := range []*regexp.Regexp{executionErrorAt, templateErrorAt} {
		if m := re.FindStringSubmatch(msg); m != nil {
			var line int
			fmt.Sscanf(m[2], "%d", &line)
			return m[1], line, m[3]
		}
	}
	return "", 0, msg
}
