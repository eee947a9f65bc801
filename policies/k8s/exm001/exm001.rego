# METADATA
# title: Exemptions state a reason
# description: |
#   An exemption annotation slotcheck.slotwise.com/exempt-<ID>, on the object or
#   on its pod template, turns rule <ID> off for that object only when its value
#   says why. An exemption without a reason (empty or only spaces) suppresses
#   nothing, and this rule reports it so the gap is filled rather than hidden.
# custom:
#   id: EXM001
#   severity: error
#   section: Deployment Checklist
#   remediation: |
#     Write why the object is exempt as the annotation's value, for example
#     slotcheck.slotwise.com/exempt-SEC006: "legacy image writes to /var/cache;
#     fix tracked in SLOT-123", or remove the annotation and fix the finding.
#   environments: [development, staging, production]
package k8s.exm001

import data.lib.k8s

deny contains {"msg": msg, "path": exemption.path} if {
	some exemption in k8s.exemption_annotations
	exemption.reason == ""
	msg := sprintf(
		"exemption %s gives no reason, so it exempts nothing: write why the object is exempt from %s as its value, or remove it",
		[exemption.path[count(exemption.path) - 1], exemption.id],
	)
}
