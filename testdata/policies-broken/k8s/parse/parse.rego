# METADATA
# title: Does not parse
# description: A brace is missing.
# custom:
#   id: PARSE001
#   severity: error
#   section: Ownership
#   remediation: Close it.
#   environments: [production]
package k8s.parse

deny contains {"msg": "x"} if {
	true
