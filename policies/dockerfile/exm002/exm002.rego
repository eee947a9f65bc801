# METADATA
# title: Dockerfile ignore comments state a reason
# description: |
#   A comment `# slotcheck:ignore <ID> <reason>` right above an instruction (or a
#   FROM) turns rule <ID> off for that instruction (for a FROM, its stage) only
#   when it says why. Several rules may be named at once (DF010,DF012). A comment
#   that gives no reason, or whose first word is not a rule id, suppresses
#   nothing, and this rule reports it so the gap is filled rather than hidden.
# custom:
#   id: EXM002
#   severity: error
#   section: Dockerfile Standards
#   remediation: |
#     Write why after the rule id, for example
#     `# slotcheck:ignore DF010 debug image keeps the apk index; SLOT-123`, or
#     remove the comment and fix the finding.
#   environments: [development, staging, production]
package dockerfile.exm002

import data.lib.dockerfile

deny contains {"msg": msg, "path": c.path} if {
	some c in dockerfile.ignore_comments
	count(c.ids) > 0
	c.reason == ""
	ids := concat(",", c.ids)
	msg := sprintf("# %s gives no reason, so it suppresses nothing: write why after the rule id (# slotcheck:ignore %s <reason>), or remove it", [c.text, ids])
}

deny contains {"msg": msg, "path": c.path} if {
	some c in dockerfile.ignore_comments
	count(c.ids) == 0
	msg := sprintf("# %s names no rule id, so it suppresses nothing: write # slotcheck:ignore <ID> <reason>, or remove it", [c.text])
}
