package openreport

import (
	"context"
	"fmt"

	openreportsv1alpha1 "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// sweepPage is how many Reports one LIST page of Sweep holds.
const sweepPage = 500

// Sweep deletes slotcheck's Reports in the namespaces that audited does
// not hold (a namespace now excluded, or no longer audited), reading them
// by label in pages. It returns how many it deleted.
func (p *Publisher) Sweep(ctx context.Context, audited map[string]bool) (int, error) {
	deleted := 0
	opts := []client.ListOption{client.MatchingLabels{ManagedByLabel: ManagedBy}, client.Limit(sweepPage)}
	for cont := ""; ; {
		var list openreportsv1alpha1.ReportList
		if err := p.Client.List(ctx, &list, append(opts, client.Continue(cont))...); err != nil {
			return deleted, fmt.Errorf("list reports: %w", err)
		}
		for i := range list.Items {
			r := &list.Items[i]
			if audited[r.Namespace] || r.Name != Name || !Ours(r) {
				continue
			}
			if err := p.Client.Delete(ctx, r, client.Preconditions{UID: &r.UID}); client.IgnoreNotFound(err) != nil {
				return deleted, fmt.Errorf("delete report %s/%s: %w", r.Namespace, r.Name, err)
			}
			deleted++
		}
		if cont = list.Continue; cont == "" {
			return deleted, nil
		}
	}
}
