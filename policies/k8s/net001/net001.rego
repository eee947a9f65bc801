# METADATA
# title: Workloads are isolated by NetworkPolicies
# description: |
#   The pods of every workload are selected by a NetworkPolicy in their namespace
#   that restricts both Ingress and Egress, so a compromised pod can neither be
#   reached nor reach out beyond what the policy allows. A policy without
#   policyTypes restricts Ingress, and Egress only when it has egress rules, as
#   Kubernetes defaults it. Policies add up: one policy for Ingress and another
#   for Egress selecting the same pods isolate them too. Pods owned by a
#   controller are checked through their controller.
# custom:
#   id: NET001
#   severity: error
#   section: Network Policies
#   remediation: |
#     Add a NetworkPolicy in the workload's namespace whose podSelector matches the
#     pod template's labels, with policyTypes: [Ingress, Egress] and the ingress
#     and egress rules the service needs.
#   environments: [staging, production]
#   tags: [security]
#   cross_object: true
package k8s.net001

import data.lib.k8s

_directions := {"Ingress", "Egress"}

deny contains {"msg": msg, "path": array.concat(k8s.pod_metadata_path, ["labels"])} if {
	k8s.is_workload
	not _owned_pod
	count(_selecting) == 0
	msg := sprintf(
		"no NetworkPolicy in the namespace of %s %q selects its pods (labels %v): add one whose podSelector matches them, with policyTypes: [Ingress, Egress]",
		[input.object.kind, k8s.name, k8s.pod_labels],
	)
}

deny contains {"msg": msg, "path": array.concat(k8s.pod_metadata_path, ["labels"])} if {
	k8s.is_workload
	not _owned_pod
	count(_selecting) > 0
	missing := _directions - {t | some np in _selecting; some t in k8s.network_policy_types(np)}
	count(missing) > 0
	msg := sprintf(
		"the NetworkPolicies selecting the pods of %s %q (%s) leave %s traffic unrestricted: add %s to the policyTypes of one of them, with its rules",
		[
			input.object.kind, k8s.name,
			concat(", ", sort([object.get(np, ["metadata", "name"], "") | some np in _selecting])),
			concat(" and ", sort(missing)), concat(", ", sort(missing)),
		],
	)
}

_owned_pod if {
	input.object.kind == "Pod"
	k8s.owned
}

# _selecting holds the NetworkPolicies of the workload's namespace that select
# its pods. An empty or missing podSelector (null reads as missing) selects
# every pod. This runs once per policy of the namespace, so its body stays
# lean: the namespace and labels are read once, the policy's fields inline.
_selecting contains np if {
	namespace := k8s.namespace
	labels := k8s.pod_labels
	some np in k8s.inventory("NetworkPolicy")
	object.get(np, ["metadata", "namespace"], "") == namespace
	selector := object.get(np, ["spec", "podSelector"], {})
	every k, v in object.get(selector, "matchLabels", {}) {
		labels[k] == v
	}
	k8s.label_selector_matches(selector, labels)
}
