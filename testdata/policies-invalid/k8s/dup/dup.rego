# METADATA
# title: Takes a built-in id
# description: Collides with SEC001.
# custom:
#   id: SEC001
#   severity: error
#   section: Ownership
#   remediation: Pick another id.
#   environments: [production]
package k8s.dup

deny contains {"msg": "x"} if false
