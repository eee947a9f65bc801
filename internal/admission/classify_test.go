package admission

import (
	"slices"
	"strings"
	"testing"

	"github.com/go-logr/logr/funcr"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	admissionv1 "k8s.io/api/admission/v1"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/internal/source"
)

// place is where a finding's line ends up.
type place string

const (
	inDenial         place = "the denial and its log"
	inWarnings       place = "the warnings"
	inRatchetWarning place = "the warnings, as pre-existing"
	inAuditLog       place = "the audit log only"
	nowhere          place = "nowhere"
)

// outcome is what one mode does with a finding: the findings metric's
// action label, where its line goes, and the request's verdict when the
// finding is the request's only one.
type outcome struct {
	action  action
	place   place
	verdict string
}

// The modes in the order of a row's outcomes.
var classificationModes = [3]Mode{ModeEnforce, ModeWarn, ModeAudit}

var (
	denied     = [3]outcome{{actionDeny, inDenial, "denied"}, {actionWarn, inWarnings, "warned"}, {actionAudit, inAuditLog, "audited"}}
	warned     = [3]outcome{{actionWarn, inWarnings, "allowed"}, {actionWarn, inWarnings, "allowed"}, {actionWarn, nowhere, "allowed"}}
	ratcheted  = [3]outcome{{actionRatcheted, inRatchetWarning, "allowed"}, {actionRatcheted, inRatchetWarning, "allowed"}, {actionRatcheted, nowhere, "allowed"}}
	noted      = [3]outcome{{actionNote, nowhere, "allowed"}, {actionNote, nowhere, "allowed"}, {actionNote, nowhere, "allowed"}}
	suppressed = [3]outcome{{actionSuppressed, nowhere, "allowed"}, {actionSuppressed, nowhere, "allowed"}, {actionSuppressed, nowhere, "allowed"}}
)

func testFinding(id string, sev rules.Severity, crossObject bool) scan.Finding {
	return scan.Finding{
		Rule:     &rules.Rule{ID: id, Remediation: "Fix it.", CrossObject: crossObject},
		Severity: sev, Message: "finding of " + id, FieldPath: "spec.template.spec.containers[0].image", Container: "app",
	}
}

// TestClassification gives the verdict one finding of each source, in each
// mode, as a CREATE and as an UPDATE, the old object having the same
// finding (old) in both: only an UPDATE ratchets. Each runs alone and
// beside a plain error that denies the request: what happens to a finding
// does not depend on the others, and it is counted once.
func TestClassification(t *testing.T) {
	plain := testFinding("TST-ERROR", rules.SeverityError, false)
	warning := testFinding("TST-WARNING", rules.SeverityWarning, false)
	note := testFinding("TST-NOTE", rules.SeverityNote, false)
	cross := testFinding("TST-CROSS", rules.SeverityError, true)
	hidden := plain
	hidden.Suppressed = true
	moved := plain
	moved.FieldPath = "spec.template.spec.containers[1].image"
	tests := []struct {
		name            string
		finding         scan.Finding
		old             scan.Finding
		denyCrossObject bool
		op              admissionv1.Operation
		want            [3]outcome // enforce, warn, audit
	}{
		{"error on CREATE", plain, plain, false, admissionv1.Create, denied},
		{"error the old object had", plain, plain, false, admissionv1.Update, ratcheted},
		{"error the old object had at another field", plain, moved, false, admissionv1.Update, denied},
		{"warning on CREATE", warning, warning, false, admissionv1.Create, warned},
		{"warning the old object had", warning, warning, false, admissionv1.Update, warned},
		{"note on CREATE", note, note, false, admissionv1.Create, noted},
		{"note the old object had", note, note, false, admissionv1.Update, noted},
		{"suppressed error on CREATE", hidden, hidden, false, admissionv1.Create, suppressed},
		{"suppressed error the old object had", hidden, hidden, false, admissionv1.Update, suppressed},
		{"cross-object error on CREATE", cross, cross, false, admissionv1.Create, warned},
		{"cross-object error the old object had", cross, cross, false, admissionv1.Update, ratcheted},
		{"cross-object error on CREATE, --deny-cross-object", cross, cross, true, admissionv1.Create, denied},
		{"cross-object error the old object had, --deny-cross-object", cross, cross, true, admissionv1.Update, ratcheted},
	}
	companion := testFinding("TST-COMPANION", rules.SeverityError, false)
	for _, tt := range tests {
		for i, mode := range classificationModes {
			for _, beside := range []bool{false, true} {
				name := tt.name + "/" + string(mode)
				findings := []scan.Finding{tt.finding}
				want := tt.want[i]
				if beside {
					name += "/beside a denial"
					findings = append(findings, companion)
					want.verdict = denied[i].verdict
				}
				t.Run(name, func(t *testing.T) {
					checkClassification(t, mode, tt.denyCrossObject, tt.op, findings, []scan.Finding{tt.old}, want)
				})
			}
		}
	}
}

// checkClassification runs the verdict on findings, whose first is the one
// under test, and checks its outcome.
func checkClassification(t *testing.T, mode Mode, denyCrossObject bool, op admissionv1.Operation, findings, old []scan.Finding, want outcome) {
	t.Helper()
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	h := &Handler{cfg: Config{Mode: mode, DenyCrossObject: denyCrossObject}, metrics: m,
		log: funcr.New(func(prefix, args string) { log.WriteString(args + "\n") }, funcr.Options{})}
	req := request("Deployment", "deployments", "shop", op, []byte("{}"), []byte("{}"))
	obj := &source.Object{Kind: "Deployment", Name: "web", Value: ast.NewObject()}

	resp, verdict := h.verdict(req, obj, mode, findings, nil, old)

	f := findings[0]
	if verdict != want.verdict {
		t.Errorf("verdict %s, want %s", verdict, want.verdict)
	}
	for _, a := range []action{actionDeny, actionWarn, actionAudit, actionRatcheted, actionNote, actionSuppressed} {
		n, wantN := testutil.ToFloat64(m.findings.WithLabelValues(f.Rule.ID, string(a))), 0.0
		if a == want.action {
			wantN = 1
		}
		if n != wantN {
			t.Errorf("counted %v times as %s, want %v", n, a, wantN)
		}
	}
	id := "[" + f.Rule.ID + "]"
	message := ""
	if resp.Result != nil {
		message = resp.Result.Message
	}
	got := map[place]bool{
		// The denial's log line names the rules, not every line again.
		inDenial: !resp.Allowed && strings.Contains(message, id) && strings.Contains(log.String(), `"msg"="denied"`) &&
			strings.Contains(log.String(), f.Rule.ID) && !strings.Contains(log.String(), id),
		inWarnings: slices.ContainsFunc(resp.Warnings, func(w string) bool { return strings.HasPrefix(w, id) }),
		inRatchetWarning: slices.ContainsFunc(resp.Warnings, func(w string) bool {
			return strings.HasPrefix(w, "pre-existing, not denied on update: "+id)
		}),
		inAuditLog: strings.Contains(log.String(), `"msg"="audit: would deny"`) && strings.Contains(log.String(), id),
	}
	got[nowhere] = !strings.Contains(message, id) && !strings.Contains(log.String(), f.Rule.ID) &&
		!slices.ContainsFunc(resp.Warnings, func(w string) bool { return strings.Contains(w, id) })
	for p, ok := range got {
		if ok != (p == want.place) {
			t.Errorf("in %s: %v, want it in %s (message %q, warnings %q, log %q)", p, ok, want.place, message, resp.Warnings, log.String())
		}
	}
}

// TestDenialLog checks what the log says of a denial: who, how many
// findings, and each denied rule once, in the order of the findings.
func TestDenialLog(t *testing.T) {
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	h := &Handler{cfg: Config{Mode: ModeEnforce}, metrics: m,
		log: funcr.New(func(prefix, args string) { log.WriteString(args + "\n") }, funcr.Options{})}
	req := request("Deployment", "deployments", "shop", admissionv1.Create, []byte("{}"), nil)
	obj := &source.Object{Kind: "Deployment", Name: "web", Value: ast.NewObject()}
	second := testFinding("TST-B", rules.SeverityError, false)
	second.Container = "sidecar"
	findings := []scan.Finding{
		testFinding("TST-B", rules.SeverityError, false),
		testFinding("TST-WARN", rules.SeverityWarning, false),
		testFinding("TST-A", rules.SeverityError, false),
		second,
	}
	resp, verdict := h.verdict(req, obj, ModeEnforce, findings, nil, nil)
	if verdict != "denied" || resp.Allowed {
		t.Fatalf("verdict %s, allowed %v: want denied", verdict, resp.Allowed)
	}
	want := `"level"=0 "msg"="denied" "object"="Deployment/web" "namespace"="shop" "operation"="CREATE" "user"="" "dryRun"=false "findings"=3 "rules"="TST-B,TST-A"`
	if got := strings.TrimSpace(log.String()); got != want {
		t.Errorf("log\n%s\nwant\n%s", got, want)
	}
	if lines := strings.Split(resp.Result.Message, "\n"); len(lines) != 4 || lines[0] != "slotcheck denied Deployment/web (3 finding(s)):" {
		t.Errorf("message %q: want a head line and three findings", resp.Result.Message)
	}
}
