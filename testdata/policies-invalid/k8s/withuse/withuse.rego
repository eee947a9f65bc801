# METADATA
# title: Replaces its input
# description: Uses with in a rule.
# custom:
#   id: WITH001
#   severity: error
#   section: Ownership
#   remediation: Read input as it is.
#   environments: [production]
package k8s.withuse

import data.lib.k8s

deny contains {"msg": "x"} if {
	k8s.name == "" with input.object as {}
}
