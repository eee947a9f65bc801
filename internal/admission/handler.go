// Package admission is slotcheck's validating admission webhook handler: it
// judges Pods and pod controllers with the same engine and the same
// judgement path as the CLI, and turns the findings into a verdict.
package admission

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/go-logr/logr"
	"github.com/open-policy-agent/opa/v1/ast"
	admissionv1 "k8s.io/api/admission/v1"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/slotwise/slotcheck/internal/config"
	"github.com/slotwise/slotcheck/internal/kube"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/internal/source"
)

// Mode is what the webhook does with error findings.
type Mode string

// Modes: enforce denies, warn turns errors into warnings, audit allows
// silently (no warnings either) and only logs and counts.
const (
	ModeEnforce Mode = "enforce"
	ModeWarn    Mode = "warn"
	ModeAudit   Mode = "audit"
)

// ParseMode accepts enforce, warn or audit.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(strings.TrimSpace(s))); m {
	case ModeEnforce, ModeWarn, ModeAudit:
		return m, nil
	}
	return "", fmt.Errorf("mode %q: want enforce, warn or audit", s)
}

// Labels a namespace can carry to tune the webhook for its objects.
const (
	ModeLabel        = "slotcheck.slotwise.com/mode"
	EnvironmentLabel = rules.EnvironmentLabel
)

// Config tunes the handler.
type Config struct {
	// Mode applies where a namespace sets none.
	Mode Mode
	// ExcludedNamespaces are never judged.
	ExcludedNamespaces []string
	// DenyCrossObject makes cross-object rules (NetworkPolicy coverage,
	// autoscaling) deny like the others; by default they warn, since
	// `kubectl apply -f dir/` sends objects in an order nobody controls.
	DenyCrossObject bool
	// FailOpen allows, with a warning, an object the policies could not
	// evaluate; by default such an object is denied.
	FailOpen bool
	// Timeout bounds one judgement; it must stay below the webhook's
	// timeoutSeconds so that the API server gets an answer, not a timeout.
	Timeout time.Duration
	// Now is the clock exemption annotations expire by; nil is time.Now.
	Now func() time.Time
	// Configuration is the configuration file (--config) in force; nil
	// without one.
	Configuration *ConfigSource
	// Exemptions says which exemptions count; empty is both.
	Exemptions ExemptionMode
	// Workloads are extra workload kinds (custom resources such as Argo
	// Rollouts) judged at their pod template beside kube.Workloads, as
	// .slotcheck.yaml's workloads name them, in addition to those of the
	// Configuration; the chart's ValidatingWebhookConfiguration must send
	// them (its workloads value).
	Workloads []config.Workload
}

// Cluster is what the handler reads of the cluster: from informer caches,
// never by a live API call per request.
type Cluster interface {
	// NamespaceLabels returns a namespace's labels.
	NamespaceLabels(ctx context.Context, name string) (map[string]string, error)
	// Inventory returns input.inventory for a target in the namespace.
	Inventory(ctx context.Context, namespace string) (ast.Value, error)
}

// Handler is the webhook's admission.Handler.
type Handler struct {
	engine   *rules.Engine
	profiles map[string]ast.Value
	cluster  Cluster
	cfg      Config
	metrics  *Metrics
	log      logr.Logger
	// objects reads every review's objects. Its strict checker learns each
	// kind's shape once, which costs more than judging the object, and its
	// converters keep their interned strings from review to review.
	objects *source.JSONReader
	// workloadsData is input.config without a configuration file: the
	// workload kinds of Config.Workloads.
	workloadsData ast.Value
}

// NewHandler returns a handler; profiles hold each environment's profile.
func NewHandler(engine *rules.Engine, profiles *rules.Profiles, cluster Cluster, cfg Config, metrics *Metrics, log logr.Logger) (*Handler, error) {
	if cfg.Mode == "" {
		cfg.Mode = ModeEnforce
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 8 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Exemptions == "" {
		cfg.Exemptions = ExemptionsBoth
	}
	if err := config.CheckWorkloads(cfg.Workloads, engine.WorkloadKinds()); err != nil {
		return nil, err
	}
	h := &Handler{engine: engine, profiles: map[string]ast.Value{}, cluster: cluster, cfg: cfg, metrics: metrics, log: log, objects: source.NewJSONReader(kube.NewChecker()),
		workloadsData: config.WorkloadsData(cfg.Workloads)}
	for _, env := range rules.Environments() {
		v, err := profiles.Value(env)
		if err != nil {
			return nil, err
		}
		h.profiles[env] = v
	}
	return h, nil
}

// reviewed reports whether the webhook reviews a resource and subresource:
// the workloads (kube.Workloads), and the ephemeral containers of Pods.
func reviewed(resource, subresource string) bool {
	switch resource {
	case "pods":
		return subresource == "" || subresource == "ephemeralcontainers"
	}
	return subresource == "" && slices.ContainsFunc(kube.Workloads(), func(w kube.Workload) bool { return w.Resource == resource })
}

// Handle judges one request. Every path returns a well-formed response.
func (h *Handler) Handle(ctx context.Context, req admission.Request) admission.Response {
	start := time.Now()
	kind, op := req.Kind.Kind, string(req.Operation)
	resp, verdict := h.handle(ctx, req)
	h.metrics.observe(kind, op, verdict, time.Since(start))
	return resp
}

func (h *Handler) handle(ctx context.Context, req admission.Request) (admission.Response, string) {
	if resp, verdict, skip := h.skip(req); skip {
		return resp, verdict
	}
	ctx, cancel := context.WithTimeout(ctx, h.cfg.Timeout)
	defer cancel()

	mode, c, err := h.namespace(ctx, req.Namespace)
	if err != nil {
		return h.failure(err)
	}
	// One snapshot of the configuration per review: the judgement and the
	// exemptions read the same file, whatever a reload does meanwhile.
	lc := h.cfg.Configuration.snapshot()
	c.Config = h.ruleData(lc)
	obj, err := h.object(req.Object.Raw, req.Namespace)
	if err != nil {
		return admission.Errored(http.StatusBadRequest, err), "error"
	}
	findings, err := scan.Judge(ctx, h.engine, obj, c)
	if err == nil {
		// OPA notices a cancelled context only now and then: a judgement
		// that ran past its deadline is a failure even if it finished.
		err = ctx.Err()
	}
	if err != nil {
		return h.failure(err)
	}
	old := h.previous(ctx, req, c)
	findings, notes := h.exempt(ctx, lc, obj, c, findings)
	return h.verdict(req, obj, mode, findings, notes, old)
}

// skip answers the requests the webhook does not judge: malformed ones, and
// those of resources, operations and namespaces it leaves alone.
func (h *Handler) skip(req admission.Request) (admission.Response, string, bool) {
	switch {
	case req.UID == "" || req.Resource.Resource == "":
		// No API server sends this: an answer that allowed it would be a guess.
		return admission.Errored(http.StatusBadRequest, errors.New("malformed AdmissionReview: the request has no uid or no resource")), "error", true
	case !h.reviews(req):
		return admission.Allowed("not judged by slotcheck"), "skipped", true
	case req.Operation != admissionv1.Create && req.Operation != admissionv1.Update:
		return admission.Allowed(""), "skipped", true
	case slices.Contains(h.cfg.ExcludedNamespaces, req.Namespace):
		return admission.Allowed("namespace excluded from slotcheck"), "excluded", true
	}
	return admission.Response{}, "", false
}

// namespace reads the mode and the judgement context of a namespace: its
// labels may set the mode and the environment.
func (h *Handler) namespace(ctx context.Context, ns string) (Mode, scan.Context, error) {
	labels, err := h.cluster.NamespaceLabels(ctx, ns)
	if err != nil {
		return "", scan.Context{}, fmt.Errorf("namespace %s: %w", ns, err)
	}
	mode := h.cfg.Mode
	if m, ok := labels[ModeLabel]; ok {
		if mode, err = ParseMode(m); err != nil {
			return "", scan.Context{}, fmt.Errorf("namespace %s label %s: %w", ns, ModeLabel, err)
		}
	}
	env, err := rules.NamespaceEnvironment(ns, labels)
	if err != nil {
		return "", scan.Context{}, err
	}
	inventory, err := h.cluster.Inventory(ctx, ns)
	if err != nil {
		return "", scan.Context{}, fmt.Errorf("inventory of %s: %w", ns, err)
	}
	today := config.NewDate(h.cfg.Now()).String()
	return mode, scan.Context{Environment: env, Profile: h.profiles[env], Inventory: inventory, Admission: true, Today: today}, nil
}

// previous judges the old object of an UPDATE, whose findings ratchet.
// An old object that cannot be judged ratchets nothing: every finding of
// the new one counts.
func (h *Handler) previous(ctx context.Context, req admission.Request, c scan.Context) []scan.Finding {
	if req.Operation != admissionv1.Update || len(req.OldObject.Raw) == 0 {
		return nil
	}
	obj, err := h.object(req.OldObject.Raw, req.Namespace)
	if err != nil {
		return nil
	}
	old, _ := scan.Judge(ctx, h.engine, obj, c)
	return old
}

// object reads the request's object as the CLI reads a .json file of the
// same bytes (same value, same checks), straight from its JSON. The
// namespace comes from the request when the object leaves it out, as the
// API server would set it.
func (h *Handler) object(raw []byte, namespace string) (*source.Object, error) {
	if len(raw) == 0 {
		return nil, errors.New("request has no object")
	}
	res := h.objects.Parse("admission-request", raw)
	if len(res.Errors) > 0 {
		return nil, fmt.Errorf("object: %s", res.Errors[0].Message)
	}
	if len(res.Objects) != 1 {
		return nil, fmt.Errorf("object: want one Kubernetes object, got %d", len(res.Objects))
	}
	o := res.Objects[0]
	if o.Namespace == "" && namespace != "" {
		obj, ok := o.Value.(ast.Object)
		if !ok {
			return nil, errors.New("object is not a mapping")
		}
		meta, ok := field(obj, "metadata").(ast.Object)
		if !ok {
			meta = ast.NewObject()
			obj.Insert(ast.StringTerm("metadata"), ast.NewTerm(meta))
		}
		meta.Insert(ast.StringTerm("namespace"), ast.StringTerm(namespace))
		o.Namespace = namespace
	}
	return o, nil
}

// failure answers a request the policies could not judge: denied, naming
// what failed, unless the webhook runs fail-open; never silently allowed.
func (h *Handler) failure(err error) (admission.Response, string) {
	h.metrics.evalError()
	h.log.Error(err, "policy evaluation failed")
	msg := fmt.Sprintf("slotcheck could not evaluate its policies: %v", err)
	if h.cfg.FailOpen {
		return admission.Allowed("").WithWarnings(msg + " (allowed: the webhook runs fail-open)"), "failed-open"
	}
	return admission.Denied(msg + " (denied: the webhook fails closed; --fail-open allows instead)"), "failed-closed"
}

// field is an object's field, nil when v is no object or lacks it.
func field(v ast.Value, name string) ast.Value {
	obj, ok := v.(ast.Object)
	if !ok || obj == nil {
		return nil
	}
	t := obj.Get(ast.StringTerm(name))
	if t == nil {
		return nil
	}
	return t.Value
}
