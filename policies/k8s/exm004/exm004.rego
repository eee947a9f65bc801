# METADATA
# title: Exemption annotations about to expire
# description: |
#   An exemption annotation whose expiry date
#   (slotcheck.slotwise.com/exempt-<ID>-expires) is at most 14 days away is
#   announced, so that the finding it covers is fixed, or the exemption renewed,
#   before the day the exemption stops suppressing it and the build fails.
# custom:
#   id: EXM004
#   severity: note
#   section: Deployment Checklist
#   remediation: |
#     Fix the finding the exemption covers and remove both annotations, or, if
#     the reason still holds, agree a later date and write it.
#   environments: [development, staging, production]
package k8s.exm004

import data.lib.dates
import data.lib.k8s

deny contains {"msg": msg, "path": e.expires_path} if {
	some e in k8s.exemption_annotations
	e.reason != ""
	dates.soon(e.expires)
	msg := sprintf(
		"exemption from %s expires on %s: fix the finding before then, or agree a later date",
		[e.id, e.expires],
	)
}
