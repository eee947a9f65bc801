package openreport

import (
	"context"
	"fmt"

	openreportsv1alpha1 "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Action is what publishing a namespace's Report did.
type Action string

// The actions of Publish.
const (
	Created   Action = "created"
	Updated   Action = "updated"
	Unchanged Action = "unchanged"
	Deleted   Action = "deleted"
	// Absent: the namespace is clean and had no Report.
	Absent Action = "absent"
)

// Publisher writes slotcheck's Reports through a client that does not
// cache them: the webhook has no informer on Reports, and one would hold
// every namespace's Report in memory for a write every few minutes.
type Publisher struct {
	Client client.Client
}

// Publish makes namespace's Report the one desired (nil: none). An
// unchanged Report is not written; a result that was already there keeps
// the time it was first found. A Report of that name without slotcheck's
// label is another tool's: Publish leaves it alone and says so.
func (p *Publisher) Publish(ctx context.Context, namespace string, desired *openreportsv1alpha1.Report) (Action, error) {
	existing := &openreportsv1alpha1.Report{}
	err := p.Client.Get(ctx, types.NamespacedName{Namespace: namespace, Name: Name}, existing)
	switch {
	case apierrors.IsNotFound(err):
		if desired == nil {
			return Absent, nil
		}
		if err := p.Client.Create(ctx, desired); err != nil {
			return "", fmt.Errorf("create report %s/%s: %w", namespace, Name, err)
		}
		return Created, nil
	case err != nil:
		return "", fmt.Errorf("get report %s/%s: %w", namespace, Name, err)
	}
	if !Ours(existing) {
		return "", fmt.Errorf("report %s/%s has no label %s=%s: it is not slotcheck's, and slotcheck leaves it alone", namespace, Name, ManagedByLabel, ManagedBy)
	}
	if desired == nil {
		if err := p.Client.Delete(ctx, existing, client.Preconditions{UID: &existing.UID, ResourceVersion: &existing.ResourceVersion}); client.IgnoreNotFound(err) != nil {
			return "", fmt.Errorf("delete report %s/%s: %w", namespace, Name, err)
		}
		return Deleted, nil
	}
	return p.update(ctx, desired, existing)
}

// update rewrites existing as desired says, unless it says so already;
// results already there keep when they were first found.
func (p *Publisher) update(ctx context.Context, desired, existing *openreportsv1alpha1.Report) (Action, error) {
	keepTimestamps(desired, existing)
	if same(desired, existing) {
		return Unchanged, nil
	}
	// The existing object, with its resourceVersion, is what is updated: a
	// Report changed meanwhile is a conflict, retried at the next audit.
	existing.Labels = merge(existing.Labels, desired.Labels)
	existing.Annotations = merge(existing.Annotations, desired.Annotations)
	if _, ok := desired.Annotations[CappedAnnotation]; !ok {
		delete(existing.Annotations, CappedAnnotation)
	}
	existing.Source, existing.Scope, existing.Configuration = desired.Source, desired.Scope, desired.Configuration
	existing.Summary, existing.Results = desired.Summary, desired.Results
	if err := p.Client.Update(ctx, existing); err != nil {
		return "", fmt.Errorf("update report %s/%s: %w", existing.Namespace, existing.Name, err)
	}
	return Updated, nil
}

// Ours reports whether a Report carries slotcheck's label.
func Ours(r *openreportsv1alpha1.Report) bool {
	return r.Labels[ManagedByLabel] == ManagedBy
}

// resultKey names a result across audits: its rule, its object and where
// in it.
type resultKey struct {
	policy, kind, name, fieldPath, container, message string
}

// keyOf is the key of a result.
func keyOf(r openreportsv1alpha1.ReportResult) resultKey {
	k := resultKey{policy: r.Policy, fieldPath: r.Properties[PropertyFieldPath], container: r.Properties[PropertyContainer], message: r.Description}
	if len(r.Subjects) > 0 {
		k.kind, k.name = r.Subjects[0].Kind, r.Subjects[0].Name
	}
	return k
}

// keepTimestamps gives each desired result that the existing Report
// already holds the existing one's timestamp: when it was first found.
func keepTimestamps(desired, existing *openreportsv1alpha1.Report) {
	found := make(map[resultKey]openreportsv1alpha1.ReportResult, len(existing.Results))
	for _, r := range existing.Results {
		found[keyOf(r)] = r
	}
	for i, r := range desired.Results {
		if old, ok := found[keyOf(r)]; ok {
			desired.Results[i].Timestamp = old.Timestamp
		}
	}
}

// same reports whether existing already says what desired says.
func same(desired, existing *openreportsv1alpha1.Report) bool {
	return existing.Source == desired.Source &&
		equality.Semantic.DeepEqual(existing.Scope, desired.Scope) &&
		equality.Semantic.DeepEqual(existing.Configuration, desired.Configuration) &&
		existing.Summary == desired.Summary &&
		equality.Semantic.DeepEqual(existing.Results, desired.Results) &&
		existing.Annotations[CappedAnnotation] == desired.Annotations[CappedAnnotation]
}

// merge sets from's keys in into, which it makes when nil.
func merge(into, from map[string]string) map[string]string {
	if into == nil && len(from) > 0 {
		into = map[string]string{}
	}
	for k, v := range from {
		into[k] = v
	}
	return into
}
