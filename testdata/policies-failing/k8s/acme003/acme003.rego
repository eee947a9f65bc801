# METADATA
# title: Pods are not named test
# description: A rule whose tests fail and lack a deny test.
# custom:
#   id: ACME003
#   severity: error
#   section: Ownership
#   remediation: Rename the pod.
#   environments: [production]
package k8s.acme003

deny contains {"msg": "named test"} if input.object.metadata.name == "test"
