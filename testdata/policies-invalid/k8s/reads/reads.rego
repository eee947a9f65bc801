# METADATA
# title: Reads a kind Kubernetes lacks
# description: NetworkPolicies is no kind.
# custom:
#   id: READS001
#   severity: error
#   section: Ownership
#   remediation: Name the kind.
#   environments: [production]
#   reads: [{kind: NetworkPolicies, apiVersion: networking.k8s.io/v1, scope: namespace}]
package k8s.reads

deny contains {"msg": "x"} if {
	count(input.inventory.NetworkPolicies) == 0
}
