package openreport

import (
	"context"
	"testing"
	"time"

	openreportsv1alpha1 "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/internal/scan"
)

func newPublisher(t *testing.T, objs ...client.Object) *Publisher {
	t.Helper()
	scheme := runtime.NewScheme()
	if err := openreportsv1alpha1.Install(scheme); err != nil {
		t.Fatal(err)
	}
	return &Publisher{Client: fake.NewClientBuilder().WithScheme(scheme).WithObjects(objs...).Build()}
}

func get(t *testing.T, p *Publisher, namespace string) *openreportsv1alpha1.Report {
	t.Helper()
	r := &openreportsv1alpha1.Report{}
	err := p.Client.Get(context.Background(), types.NamespacedName{Namespace: namespace, Name: Name}, r)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestPublishLifecycle walks one namespace's Report through the audits of
// a namespace that is fixed bit by bit.
func TestPublishLifecycle(t *testing.T) {
	ctx := context.Background()
	p := newPublisher(t)
	web, api := finding(sec001, rules.SeverityError, "web"), finding(res001, rules.SeverityWarning, "api")
	later := now.Add(time.Hour)
	steps := []struct {
		name       string
		findings   []scan.Finding
		at         time.Time
		wantAction Action
		wantFail   int
		wantWarn   int
	}{
		{name: "first audit creates", findings: []scan.Finding{web, api}, at: now, wantAction: Created, wantFail: 1, wantWarn: 1},
		{name: "same findings later leave it", findings: []scan.Finding{web, api}, at: later, wantAction: Unchanged, wantFail: 1, wantWarn: 1},
		{name: "a fixed object updates", findings: []scan.Finding{web}, at: later, wantAction: Updated, wantFail: 1},
		{name: "a clean namespace deletes", at: later, wantAction: Deleted},
		{name: "and stays without", at: later, wantAction: Absent},
	}
	for _, st := range steps {
		action, err := p.Publish(ctx, "shop", Build("shop", st.findings, st.at, DefaultLimits))
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if action != st.wantAction {
			t.Errorf("%s: %s, want %s", st.name, action, st.wantAction)
		}
		r := get(t, p, "shop")
		if len(st.findings) == 0 {
			if r != nil {
				t.Errorf("%s: the report is still there", st.name)
			}
			continue
		}
		if r.Summary.Fail != st.wantFail || r.Summary.Warn != st.wantWarn || len(r.Results) != len(st.findings) {
			t.Errorf("%s: summary %+v with %d results, want fail %d warn %d", st.name, r.Summary, len(r.Results), st.wantFail, st.wantWarn)
		}
		// A result keeps the time it was first found.
		if got := r.Results[0].Timestamp.Seconds; got != now.Unix() {
			t.Errorf("%s: first result found at %d, want %d", st.name, got, now.Unix())
		}
	}
}

// TestPublishLeavesOthersAlone: a Report of slotcheck's name without its
// label is another tool's, never updated nor deleted.
func TestPublishLeavesOthersAlone(t *testing.T) {
	theirs := &openreportsv1alpha1.Report{ObjectMeta: metav1.ObjectMeta{Name: Name, Namespace: "shop"}, Source: "other"}
	for _, desired := range []*openreportsv1alpha1.Report{nil, Build("shop", []scan.Finding{finding(sec001, rules.SeverityError, "web")}, now, DefaultLimits)} {
		p := newPublisher(t, theirs.DeepCopy())
		if _, err := p.Publish(context.Background(), "shop", desired); err == nil {
			t.Errorf("publishing %v over another tool's report: no error", desired != nil)
		}
		if r := get(t, p, "shop"); r == nil || r.Source != "other" {
			t.Errorf("another tool's report was changed: %+v", r)
		}
	}
}

func TestSweep(t *testing.T) {
	ours := func(ns string) *openreportsv1alpha1.Report {
		return &openreportsv1alpha1.Report{ObjectMeta: metav1.ObjectMeta{Name: Name, Namespace: ns, Labels: map[string]string{ManagedByLabel: ManagedBy}}}
	}
	theirs := &openreportsv1alpha1.Report{ObjectMeta: metav1.ObjectMeta{Name: Name, Namespace: "gone-too"}}
	p := newPublisher(t, ours("shop"), ours("gone"), theirs)
	n, err := p.Sweep(context.Background(), map[string]bool{"shop": true})
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 || get(t, p, "gone") != nil {
		t.Errorf("swept %d, want the one report of namespace gone", n)
	}
	if get(t, p, "shop") == nil || get(t, p, "gone-too") == nil {
		t.Error("swept a report of an audited namespace or another tool's")
	}
}

// TestPublishLiftsCap: a Report whose results no longer need capping loses
// the annotation that said they were.
func TestPublishLiftsCap(t *testing.T) {
	ctx := context.Background()
	p := newPublisher(t)
	two := []scan.Finding{finding(sec001, rules.SeverityError, "a"), finding(sec001, rules.SeverityError, "b")}
	small := Limits{MaxResults: 1, MaxBytes: 1 << 20}
	if _, err := p.Publish(ctx, "shop", Build("shop", two, now, small)); err != nil {
		t.Fatal(err)
	}
	if _, ok := get(t, p, "shop").Annotations[CappedAnnotation]; !ok {
		t.Fatal("a capped report without the annotation")
	}
	if _, err := p.Publish(ctx, "shop", Build("shop", two[:1], now, small)); err != nil {
		t.Fatal(err)
	}
	if v, ok := get(t, p, "shop").Annotations[CappedAnnotation]; ok {
		t.Errorf("the annotation %q stayed once nothing was capped", v)
	}
}
