# METADATA
# title: Exemption annotations are in date
# description: |
#   An exemption annotation may say when it ends, with
#   slotcheck.slotwise.com/exempt-<ID>-expires: "YYYY-MM-DD" beside it: the last
#   day it applies. After that day the exemption suppresses nothing, and this
#   rule reports it, so that an exemption granted for a while does not stay for
#   ever unnoticed. An expiry that is not a date YYYY-MM-DD suppresses nothing
#   either.
# custom:
#   id: EXM003
#   severity: error
#   section: Deployment Checklist
#   remediation: |
#     Fix the finding the exemption covered and remove both annotations, or, if
#     the reason still holds, agree a later date and write it as
#     slotcheck.slotwise.com/exempt-<ID>-expires: "2027-03-31".
#   environments: [development, staging, production]
package k8s.exm003

import data.lib.dates
import data.lib.k8s

deny contains {"msg": msg, "path": e.expires_path} if {
	some e in k8s.exemption_annotations
	dates.past(e.expires)
	msg := sprintf(
		"exemption from %s expired on %s, so it exempts nothing: fix the finding and remove the exemption, or write a later date in %s",
		[e.id, e.expires, e.expires_path[count(e.expires_path) - 1]],
	)
}

deny contains {"msg": msg, "path": e.expires_path} if {
	some e in k8s.exemption_annotations
	e.expires != ""
	not dates.valid(e.expires)
	msg := sprintf(
		"%s is %q, not a date YYYY-MM-DD, so the exemption from %s exempts nothing: write the last day it applies, e.g. \"2027-03-31\"",
		[e.expires_path[count(e.expires_path) - 1], e.expires, e.id],
	)
}
