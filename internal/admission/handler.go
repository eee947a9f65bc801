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

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/internal/source"
	"github.com/slotwise/slotcheck/internal/version"
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
	EnvironmentLabel = "slotcheck.slotwise.com/environment"
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
}

// NewHandler returns a handler; profiles hold each environment's profile.
func NewHandler(engine *rules.Engine, profiles *rules.Profiles, cluster Cluster, cfg Config, metrics *Metrics, log logr.Logger) (*Handler, error) {
	if cfg.Mode == "" {
		cfg.Mode = ModeEnforce
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 8 * time.Second
	}
	h := &Handler{engine: engine, profiles: map[string]ast.Value{}, cluster: cluster, cfg: cfg, metrics: metrics, log: log}
	for _, env := range rules.Environments() {
		v, err := profiles.Value(env)
		if err != nil {
			return nil, err
		}
		h.profiles[env] = v
	}
	return h, nil
}

// judged reports whether the webhook judges a resource and subresource:
// Pods (and their ephemeral containers) and the pod controllers.
func judged(resource, subresource string) bool {
	switch resource {
	case "pods":
		return subresource == "" || subresource == "ephemeralcontainers"
	case "deployments", "statefulsets", "daemonsets", "replicasets", "jobs", "cronjobs":
		return subresource == ""
	}
	return false
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
	if req.UID == "" || req.Resource.Resource == "" {
		// No API server sends this: an answer that allowed it would be a guess.
		return admission.Errored(http.StatusBadRequest, errors.New("malformed AdmissionReview: the request has no uid or no resource")), "error"
	}
	if !judged(req.Resource.Resource, req.SubResource) {
		return admission.Allowed("not judged by slotcheck"), "skipped"
	}
	if req.Operation != admissionv1.Create && req.Operation != admissionv1.Update {
		return admission.Allowed(""), "skipped"
	}
	if slices.Contains(h.cfg.ExcludedNamespaces, req.Namespace) {
		return admission.Allowed("namespace excluded from slotcheck"), "excluded"
	}
	ctx, cancel := context.WithTimeout(ctx, h.cfg.Timeout)
	defer cancel()

	labels, err := h.cluster.NamespaceLabels(ctx, req.Namespace)
	if err != nil {
		return h.failure(fmt.Errorf("namespace %s: %w", req.Namespace, err))
	}
	mode := h.cfg.Mode
	if m, ok := labels[ModeLabel]; ok {
		if mode, err = ParseMode(m); err != nil {
			return h.failure(fmt.Errorf("namespace %s label %s: %w", req.Namespace, ModeLabel, err))
		}
	}
	env := rules.ResolveEnvironment("", req.Namespace, "")
	if e, ok := labels[EnvironmentLabel]; ok {
		if env, err = rules.ParseEnvironment(e); err != nil {
			return h.failure(fmt.Errorf("namespace %s label %s: %w", req.Namespace, EnvironmentLabel, err))
		}
	}
	inventory, err := h.cluster.Inventory(ctx, req.Namespace)
	if err != nil {
		return h.failure(fmt.Errorf("inventory of %s: %w", req.Namespace, err))
	}
	c := scan.Context{Environment: env, Profile: h.profiles[env], Inventory: inventory, Admission: true}

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
	var old []scan.Finding
	if req.Operation == admissionv1.Update && len(req.OldObject.Raw) > 0 {
		// An old object that cannot be judged ratchets nothing: every
		// finding of the new one counts.
		if oldObj, err := h.object(req.OldObject.Raw, req.Namespace); err == nil {
			old, _ = scan.Judge(ctx, h.engine, oldObj, c)
		}
	}
	return h.verdict(req, obj, mode, findings, old)
}

// object reads the request's object through the same loader as the CLI.
// The namespace comes from the request when the object leaves it out, as
// the API server would set it.
func (h *Handler) object(raw []byte, namespace string) (*source.Object, error) {
	if len(raw) == 0 {
		return nil, errors.New("request has no object")
	}
	res := source.Parse("admission-request", raw, source.Options{})
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

// verdict turns findings into a response. Errors deny in enforce mode,
// unless they are cross-object (warn by default) or the old object of an
// UPDATE already broke the same rule at the same field (ratcheting, so that
// label and finalizer changes to old objects keep working).
func (h *Handler) verdict(req admission.Request, obj *source.Object, mode Mode, findings, old []scan.Finding) (admission.Response, string) {
	existed := map[string]bool{}
	for _, f := range old {
		existed[key(f)] = true
	}
	var deny, warn []string
	ratcheted := 0
	for _, f := range findings {
		if f.Suppressed {
			h.metrics.finding(f.Rule.ID, "suppressed")
			continue
		}
		line := denialLine(f)
		switch {
		case f.Severity == rules.SeverityNote:
			h.metrics.finding(f.Rule.ID, "note")
		case f.Severity == rules.SeverityWarning:
			warn = append(warn, line)
			h.metrics.finding(f.Rule.ID, "warn")
		case existed[key(f)]:
			ratcheted++
			warn = append(warn, "pre-existing, not denied on update: "+line)
			h.metrics.finding(f.Rule.ID, "ratcheted")
		case f.Rule.CrossObject && !h.cfg.DenyCrossObject:
			warn = append(warn, line)
			h.metrics.finding(f.Rule.ID, "warn")
		default:
			deny = append(deny, line)
		}
	}
	who := describe(obj)
	switch {
	case mode == ModeAudit && len(deny) == 0:
		return admission.Allowed(""), "allowed"
	case len(deny) == 0:
		return admission.Allowed("").WithWarnings(budget(warn)...), "allowed"
	case mode == ModeAudit:
		for _, f := range findings {
			if !f.Suppressed && f.Severity == rules.SeverityError {
				h.metrics.finding(f.Rule.ID, "audit")
			}
		}
		h.log.Info("audit: would deny", "object", who, "namespace", req.Namespace, "user", req.UserInfo.Username, "findings", deny)
		return admission.Allowed(""), "audited"
	case mode == ModeWarn:
		for _, f := range findings {
			if !f.Suppressed && f.Severity == rules.SeverityError {
				h.metrics.finding(f.Rule.ID, "warn")
			}
		}
		return admission.Allowed("").WithWarnings(budget(append(deny, warn...))...), "warned"
	}
	for _, f := range findings {
		if !f.Suppressed && f.Severity == rules.SeverityError && !existed[key(f)] && (!f.Rule.CrossObject || h.cfg.DenyCrossObject) {
			h.metrics.finding(f.Rule.ID, "deny")
		}
	}
	h.log.Info("denied", "object", who, "namespace", req.Namespace, "operation", req.Operation, "user", req.UserInfo.Username, "dryRun", req.DryRun != nil && *req.DryRun, "findings", deny)
	msg := fmt.Sprintf("slotcheck denied %s (%d finding(s)):\n%s", who, len(deny), strings.Join(deny, "\n"))
	return admission.Denied(msg).WithWarnings(budget(warn)...), "denied"
}

// The API server passes on about 4 KiB of warnings per response and cuts
// each to 256 characters past that, dropping the rest: warnings are kept
// short (no fix, no link: `slotcheck explain ID` has them) and their sum
// within the budget, with a last line saying how many were left out.
const (
	warningBudget  = 3800
	warningMaxLine = 250
)

func budget(lines []string) []string {
	var out []string
	used := 0
	for i, l := range lines {
		short, _, _ := strings.Cut(l, " fix: ")
		if len(short) > warningMaxLine {
			short = short[:warningMaxLine-3] + "..."
		}
		rest := fmt.Sprintf("and %d more finding(s): see the webhook's log or run slotcheck on the manifest", len(lines)-i)
		if used+len(short)+len(rest) > warningBudget {
			return append(out, rest)
		}
		out = append(out, short)
		used += len(short)
	}
	return out
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

// key identifies a finding across the old and new versions of an object.
func key(f scan.Finding) string {
	return f.Rule.ID + "\x00" + f.FieldPath + "\x00" + f.Container
}

// denialLine is one finding as kubectl shows it:
// [ID] message (field path, container) fix: remediation. See <help URI>
func denialLine(f scan.Finding) string {
	where := f.FieldPath
	if f.Container != "" {
		where += ", container " + f.Container
	}
	return fmt.Sprintf("[%s] %s (%s) fix: %s See %s#%s", f.Rule.ID, f.Message, where, strings.TrimSuffix(f.Rule.Remediation, ".")+".", version.RulesDoc, f.Rule.Anchor())
}

// describe names the object, and its owner when a controller owns it: the
// owner is what a user should fix.
func describe(o *source.Object) string {
	who := o.Kind + "/" + o.Name
	meta, _ := field(o.Value, "metadata").(ast.Object)
	owners, ok := field(meta, "ownerReferences").(*ast.Array)
	if !ok || owners.Len() == 0 {
		return who
	}
	owner := owners.Elem(0).Value
	k, _ := field(owner, "kind").(ast.String)
	n, _ := field(owner, "name").(ast.String)
	return fmt.Sprintf("%s (owned by %s/%s: fix the %s)", who, string(k), string(n), string(k))
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
