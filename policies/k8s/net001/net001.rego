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
# every pod.
#
# It runs once per policy of the namespace, and most policies there select
# other pods, so each is first put to a test that is cheap and never fails for
# a policy that selects the pods: its matchLabels, an object, must be a subset
# of the pods' labels. Only the policies that pass it are checked in full: the
# namespace, then the whole selector with k8s.label_selector_matches. A
# matchLabels that is not an object selects nothing unless it is an empty
# collection, which the second rule hands to the full check. (A namespace
# without policies, a common case, is settled before anything is read.)
_selecting contains np if {
	policies := k8s.inventory("NetworkPolicy")
	policies != []
	namespace := k8s.namespace
	labels := k8s.pod_labels
	some np in policies
	match_labels := object.get(np, ["spec", "podSelector", "matchLabels"], {})
	is_object(match_labels)
	object.subset(labels, match_labels)
	object.get(np, ["metadata", "namespace"], "") == namespace
	k8s.label_selector_matches(object.get(np, ["spec", "podSelector"], {}), labels)
}

_selecting contains np if {
	policies := k8s.inventory("NetworkPolicy")
	policies != []
	namespace := k8s.namespace
	labels := k8s.pod_labels
	some np in policies
	np.spec.podSelector.matchLabels in {[], set()}
	object.get(np, ["metadata", "namespace"], "") == namespace
	k8s.label_selector_matches(object.get(np, ["spec", "podSelector"], {}), labels)
}
