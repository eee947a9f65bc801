package audit

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
	"github.com/slotwise/slotcheck/internal/source"
)

// cluster holds two namespaces: shop-prod (production by its name) and
// tools (development by its label, whatever its name says), a Deployment
// with the ReplicaSet and Pod it owns, a CronJob with its Job, a bare Pod
// and a bare Job.
const cluster = `
apiVersion: v1
kind: Namespace
metadata: {name: shop-prod}
---
apiVersion: v1
kind: Namespace
metadata: {name: tools, labels: {slotcheck.slotwise.com/environment: development}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop-prod, uid: d1}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: "nginx:latest"}]
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-5d8
  namespace: shop-prod
  uid: r1
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: d1, controller: true}]
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: "nginx:latest"}]
---
apiVersion: v1
kind: Pod
metadata:
  name: web-5d8-x2
  namespace: shop-prod
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d8, uid: r1, controller: true}]
spec:
  containers: [{name: app, image: "nginx:latest"}]
---
apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: shop-prod}
spec:
  containers: [{name: shell, image: "busybox:latest"}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: backup, namespace: tools, uid: c1}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: backup, image: "backup:latest"}]
---
apiVersion: batch/v1
kind: Job
metadata:
  name: backup-2901
  namespace: tools
  ownerReferences: [{apiVersion: batch/v1, kind: CronJob, name: backup, uid: c1, controller: true}]
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: backup, image: "backup:latest"}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: tools}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: "migrate:latest"}]
`

// targets names the objects a report judged, with their environments.
func targets(rep *scan.Report) []string {
	var out []string
	for _, t := range rep.Targets {
		out = append(out, t.File+" "+t.Environment)
	}
	slices.Sort(out)
	return out
}

// ids are the rule ids of a report's findings about one object.
func ids(rep *scan.Report, file string) []string {
	var out []string
	for f := range rep.All() {
		if f.File == file {
			out = append(out, f.Rule.ID)
		}
	}
	return slices.Compact(out)
}

func TestRunJudgesControllersNotOffspring(t *testing.T) {
	tests := []struct {
		name      string
		namespace string
		want      []string
		skipped   int
		progress  []string
	}{
		{
			name: "all namespaces",
			want: []string{
				"shop-prod/Deployment/web production",
				"shop-prod/Pod/debug production",
				"tools/CronJob/backup development",
				"tools/Job/migrate development",
			},
			skipped:  3,
			progress: []string{"1/2", "2/2"},
		},
		{
			name:      "one namespace",
			namespace: "tools",
			want:      []string{"tools/CronJob/backup development", "tools/Job/migrate development"},
			skipped:   1,
			progress:  []string{"1/1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var progress []string
			rep := newFakeAPI(t, cluster).audit(t, Options{Namespace: tt.namespace, Progress: func(done, total int) {
				progress = append(progress, fmt.Sprintf("%d/%d", done, total))
			}})
			if !slices.Equal(progress, tt.progress) {
				t.Errorf("progress %v, want %v", progress, tt.progress)
			}
			if got := targets(rep); !slices.Equal(got, tt.want) {
				t.Errorf("judged %q, want %q", got, tt.want)
			}
			if rep.Summary.Skipped != tt.skipped || rep.Summary.Objects != len(tt.want) {
				t.Errorf("skipped %d of %d objects, want %d of %d", rep.Summary.Skipped, rep.Summary.Objects, tt.skipped, len(tt.want))
			}
			if len(rep.Errors) > 0 {
				t.Errorf("errors: %v", rep.Errors)
			}
			if !rep.Cluster {
				t.Error("the report does not say its objects are a cluster's")
			}
		})
	}
}

// TestRunPaginates: each kind is listed once for the whole cluster, in
// pages of the chunk size, and its objects reach their namespaces, which
// are audited in the order the API server lists objects in (shop-prod
// before shop, as "-" sorts before "/"); a namespace asked for is listed
// alone.
func TestRunPaginates(t *testing.T) {
	var docs strings.Builder
	names := []string{"a", "b", "c", "d", "e"}
	for _, ns := range []string{"shop-prod", "shop"} {
		docs.WriteString("---\napiVersion: v1\nkind: Namespace\nmetadata: {name: " + ns + "}\n")
		for _, n := range names {
			docs.WriteString("---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + n + ", namespace: " + ns + "}\nspec:\n  template:\n    spec:\n      containers: [{name: app, image: app}]\n")
		}
	}
	tests := []struct {
		name      string
		namespace string
		objects   int
		want      []listCall
	}{
		{name: "every namespace", objects: 2 * len(names), want: []listCall{
			{resource: "deployments", limit: 2},
			{resource: "deployments", cont: "2", limit: 2},
			{resource: "deployments", cont: "4", limit: 2},
			{resource: "deployments", cont: "6", limit: 2},
			{resource: "deployments", cont: "8", limit: 2},
		}},
		{name: "one namespace", namespace: "shop-prod", objects: len(names), want: []listCall{
			{resource: "deployments", namespace: "shop-prod", limit: 2},
			{resource: "deployments", namespace: "shop-prod", cont: "2", limit: 2},
			{resource: "deployments", namespace: "shop-prod", cont: "4", limit: 2},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t, docs.String())
			rep := api.audit(t, Options{ChunkSize: 2, Namespace: tt.namespace})
			if rep.Summary.Objects != tt.objects {
				t.Errorf("judged %d Deployments, want %d: %v", rep.Summary.Objects, tt.objects, targets(rep))
			}
			if calls := api.calls("deployments"); !slices.Equal(calls, tt.want) {
				t.Errorf("LISTs of deployments %+v, want %+v", calls, tt.want)
			}
			for _, c := range api.lists {
				if c.limit != 2 {
					t.Errorf("LIST %+v without the chunk size as its limit (of %+v)", c, api.lists)
				}
			}
		})
	}
}

func TestRunFindingsNameObjectAndField(t *testing.T) {
	rep := newFakeAPI(t, cluster).audit(t, Options{Namespace: "shop-prod"})
	var found bool
	for f := range rep.All() {
		if f.Line != 0 || f.Column != 0 {
			t.Errorf("%s %s at line %d column %d: a cluster's object has no lines", f.File, f.Rule.ID, f.Line, f.Column)
		}
		if f.File == "shop-prod/Deployment/web" && f.FieldPath == "spec.template.spec.containers[0].image" {
			found = true
		}
	}
	if !found {
		t.Errorf("no finding at shop-prod/Deployment/web spec.template.spec.containers[0].image (nginx:latest) in %v", ids(rep, "shop-prod/Deployment/web"))
	}
	// No NetworkPolicy selects web: the namespace's inventory was read.
	if !slices.Contains(ids(rep, "shop-prod/Deployment/web"), "NET001") {
		t.Errorf("no NET001 on shop-prod/Deployment/web: %v", ids(rep, "shop-prod/Deployment/web"))
	}
}

func TestRunReportsKindsItCannotRead(t *testing.T) {
	tests := []struct {
		name      string
		forbidden []string
		leftOut   []string
		wantFile  string
		wantMsg   []string
		judged    int
	}{
		{
			name:      "forbidden workload",
			forbidden: []string{"deployments"},
			wantFile:  "deployments.apps",
			wantMsg:   []string{"Deployment (apps/v1) not audited in namespaces shop-prod, tools", "forbidden", "get and list on deployments.apps"},
			judged:    3,
		},
		{
			name:      "forbidden inventory",
			forbidden: []string{"networkpolicies"},
			wantFile:  "networkpolicies.networking.k8s.io",
			wantMsg:   []string{"NetworkPolicy (networking.k8s.io/v1) not audited in namespaces shop-prod, tools"},
			judged:    4,
		},
		{
			name:     "workload not served",
			leftOut:  []string{"batch/v1"},
			wantFile: "cronjobs.batch",
			wantMsg:  []string{"the cluster does not serve batch/v1, Kind=CronJob"},
			judged:   2,
		},
		{
			name:      "namespaces forbidden",
			forbidden: []string{"namespaces"},
			wantFile:  "namespaces",
			wantMsg:   []string{"Namespace (v1) not audited in the cluster"},
			judged:    0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t, cluster, tt.leftOut...)
			for _, r := range tt.forbidden {
				api.forbidden[r] = true
			}
			rep := api.audit(t, Options{})
			i := slices.IndexFunc(rep.Errors, func(e source.Error) bool { return e.File == tt.wantFile })
			if i < 0 {
				t.Fatalf("no error of %s in %v", tt.wantFile, rep.Errors)
			}
			for _, w := range tt.wantMsg {
				if !strings.Contains(rep.Errors[i].Message, w) {
					t.Errorf("error %q lacks %q", rep.Errors[i].Message, w)
				}
			}
			if rep.Summary.Objects != tt.judged {
				t.Errorf("judged %d objects, want %d: %v", rep.Summary.Objects, tt.judged, targets(rep))
			}
			for f := range rep.All() {
				if tt.wantFile == "networkpolicies.networking.k8s.io" && slices.ContainsFunc(f.Rule.Reads, func(rd rules.Read) bool { return rd.Kind == "NetworkPolicy" }) {
					t.Errorf("%s %s reported though the NetworkPolicies could not be read", f.File, f.Rule.ID)
				}
			}
		})
	}
}

// TestRunEvaluatesAdmissionRulesOnly: the report lists as evaluated (for
// SARIF's rule descriptors and JUnit's test cases) only the rules the
// audit ran, not those that judge repository files only.
func TestRunEvaluatesAdmissionRulesOnly(t *testing.T) {
	rep := newFakeAPI(t, cluster).audit(t, Options{})
	var evaluated int
	for _, r := range rep.Evaluated(newEngine(t).Rules()) {
		evaluated++
		if !r.Admission {
			t.Errorf("%s, a rule for repository files, is listed as evaluated", r.ID)
		}
	}
	if evaluated == 0 {
		t.Error("no rule listed as evaluated")
	}
}
