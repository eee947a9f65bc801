package admission

import (
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/slotwise/slotcheck/internal/config"
)

// reviews reports whether the handler judges a request: a built-in workload
// (reviewed), or an object of an extra workload kind (Config.Workloads and
// the configuration file's), known by its kind since a configuration names
// no resource.
func (h *Handler) reviews(req admission.Request) bool {
	if reviewed(req.Resource.Resource, req.SubResource) {
		return true
	}
	if req.SubResource != "" {
		return false
	}
	k := req.Kind
	match := func(w config.Workload) bool {
		gvk := w.GroupVersionKind()
		return gvk.Group == k.Group && gvk.Version == k.Version && gvk.Kind == k.Kind
	}
	if slices.ContainsFunc(h.cfg.Workloads, match) {
		return true
	}
	lc := h.cfg.Configuration.snapshot()
	return lc != nil && slices.ContainsFunc(lc.conf.File().Workloads, match)
}

// ruleData is input.config for a review: what the configuration file in
// force sets, with the workload kinds of Config.Workloads beside its own.
func (h *Handler) ruleData(lc *loadedConfig) ast.Value {
	switch {
	case lc == nil:
		return h.workloadsData
	case len(h.cfg.Workloads) == 0:
		return lc.conf.RuleData()
	}
	f := *lc.conf.File()
	f.Workloads = append(slices.Clone(f.Workloads), h.cfg.Workloads...)
	return f.RuleData()
}
