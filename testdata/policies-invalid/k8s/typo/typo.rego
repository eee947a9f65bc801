# METADATA
# title: Typo in a key
# description: A misspelt key and no remediation.
# custom:
#   id: TYPO001
#   severity: warning
#   section: Ownership
#   admision: false
#   environments: [production]
package k8s.typo

deny contains {"msg": "x"} if false
