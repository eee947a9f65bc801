package source

import (
	"sync"

	"sigs.k8s.io/kustomize/api/resource"
)

// Renders keeps what the charts and kustomizations of a load rendered to,
// so that another load of the same paths with the same options (a scan
// reads its paths twice) reads their text again rather than render them
// again: a chart's templates, a kustomization's build, cost more than
// reading what they wrote. Safe for use by a load's workers at once; the
// zero value is ready to use.
type Renders struct {
	mu     sync.Mutex
	charts map[string]*renderOnce[*renderedChart]
	roots  map[string]*renderOnce[*renderedRoot]
}

// renderOnce is one render, run by the first load that asks for it; the
// others wait for it.
type renderOnce[T any] struct {
	once sync.Once
	v    T
}

// renderedChart is what a chart rendered to: its templates' text, or the
// error that stopped it.
type renderedChart struct {
	err       *Error
	display   string
	templates []renderedTemplate
}

// renderedTemplate is one rendered manifest of a chart: the file it is
// reported in, the template's own lines (to place fields) and its text.
type renderedTemplate struct {
	file  string
	lines []string
	text  []byte
}

// renderedRoot is what a kustomization root's build gave: each resource's
// origin and text, or the error that stopped the build.
type renderedRoot struct {
	err       error
	resources []renderedResource
}

// renderedResource is one resource of a build, as YAML, or the error of
// writing it.
type renderedResource struct {
	origin *resource.Origin
	name   string
	src    []byte
	err    error
}

// chart is the render of the chart in dir: render's, or the one an
// earlier load of rs kept.
func (rs *Renders) chart(dir string, render func() *renderedChart) *renderedChart {
	if rs == nil {
		return render()
	}
	return kept(&rs.mu, &rs.charts, dir, render)
}

// root is the build of the kustomization root in dir: build's, or the one
// an earlier load of rs kept.
func (rs *Renders) root(dir string, build func() *renderedRoot) *renderedRoot {
	if rs == nil {
		return build()
	}
	return kept(&rs.mu, &rs.roots, dir, build)
}

// kept is the value *m keeps for dir, made by build the first time it is
// asked for. mu guards *m; build runs outside it, once, so that loads of
// other folders go on meanwhile.
func kept[T any](mu *sync.Mutex, m *map[string]*renderOnce[T], dir string, build func() T) T {
	mu.Lock()
	if *m == nil {
		*m = map[string]*renderOnce[T]{}
	}
	r := (*m)[dir]
	if r == nil {
		r = &renderOnce[T]{}
		(*m)[dir] = r
	}
	mu.Unlock()
	r.once.Do(func() { r.v = build() })
	return r.v
}
