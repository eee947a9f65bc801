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
// does (once for every load that shares Options.Renders), and reads every
// rendered manifest. Each object is reported in its template file, at the
// line of the offending field when the template spells it out.
func (l *loader) chart(res *Result, c *converter, dir string) {
	r := l.opts.Renders.chart(dir, func() *renderedChart { return l.renderChart(dir) })
	if r.err != nil {
		res.Errors = append(res.Errors, *r.err)
		return
	}
	res.Charts = append(res.Charts, r.display)
	for _, t := range r.templates {
		part := &Result{}
		l.parse(part, c, t.file, t.text)
		for _, o := range part.Objects {
			o.template = t.lines
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

// renderChart renders the chart in dir: the manifests it wrote, in the
// order of their names, or the error that stopped it.
func (l *loader) renderChart(dir string) *renderedChart {
	display := l.display(dir)
	fail := func(file string, line int, format string, args ...any) *renderedChart {
		return &renderedChart{err: &Error{File: file, Line: line, Message: fmt.Sprintf(format, args...)}}
	}
	ch, err := chartloader.Load(dir)
	if err != nil {
		return fail(display+"/Chart.yaml", 0, "Helm chart: %v", err)
	}
	vals, err := l.helmValues()
	if err != nil {
		return fail(display+"/Chart.yaml", 0, "Helm values: %v", err)
	}
	opts := l.opts.Helm
	kube := opts.KubeVersion
	if kube == "" {
		kube = DefaultKubeVersion
	}
	kv, err := chartutil.ParseKubeVersion(kube)
	if err != nil {
		return fail(display+"/Chart.yaml", 0, "--kube-version: %v", err)
	}
	caps := *chartutil.DefaultCapabilities
	caps.KubeVersion = *kv
	if ch.Metadata.KubeVersion != "" && !chartutil.IsCompatibleRange(ch.Metadata.KubeVersion, kv.String()) {
		return fail(display+"/Chart.yaml", 0, "Helm chart requires kubeVersion %s, rendering for %s (set --kube-version)", ch.Metadata.KubeVersion, kv.String())
	}
	if missing := missingDependencies(ch); len(missing) > 0 {
		return fail(display+"/Chart.yaml", 0, "Helm chart dependencies %s are not in charts/: run helm dependency build %s", strings.Join(missing, ", "), display)
	}
	if err := chartutil.ProcessDependenciesWithMerge(ch, vals); err != nil {
		return fail(display+"/Chart.yaml", 0, "Helm chart dependencies: %v", err)
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
		return fail(display+"/values.yaml", 0, "Helm values: %v", err)
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
		return fail(file, line, "Helm template: %s", msg)
	}
	out := &renderedChart{display: display}
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
		out.templates = append(out.templates, renderedTemplate{file: templateFile(display, ch, sources, name), lines: sources[name].lines, text: []byte(rendered[name])})
	}
	return out
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
