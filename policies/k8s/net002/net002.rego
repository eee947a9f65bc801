# METADATA
# title: NetworkPolicy ingress rules name their sources
# description: |
#   An ingress rule of a NetworkPolicy whose from is missing or empty admits
#   traffic from every source, inside and outside the cluster, which undoes the
#   isolation the policy exists for. Each ingress rule lists the peers it
#   admits. A policy with no ingress rules admits nothing and is fine. Peers that
#   are broad but written out (namespaceSelector: {}, an ipBlock) are not
#   reported: they state their intent.
# custom:
#   id: NET002
#   severity: warning
#   section: Network Policies
#   remediation: |
#     Give every ingress rule a from list naming the allowed peers
#     (podSelector, namespaceSelector or ipBlock), for example
#     from: [{namespaceSelector: {matchLabels: {name: ingress-nginx}}}].
#   environments: [development, staging, production]
#   tags: [security]
#   judges: [{kind: NetworkPolicy, apiVersion: networking.k8s.io/v1}]
package k8s.net002

import data.lib.k8s

deny contains {"msg": msg, "path": ["spec", "ingress", i, "from"]} if {
	input.object.kind == "NetworkPolicy"
	some i, rule in object.get(input.object, ["spec", "ingress"], [])
	not _has_peers(rule)
	msg := sprintf(
		"NetworkPolicy %q ingress rule %d has no from, so it admits traffic from every source: list the allowed peers under from (podSelector, namespaceSelector or ipBlock)",
		[k8s.name, i],
	)
}

_has_peers(rule) if {
	is_array(rule.from)
	count(rule.from) > 0
}
