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
#   reads: [{kind: NetworkPolicy, apiVersion: networking.k8s.io/v1, scope: namespace}]
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
# every pod. Only the candidates _index finds for the pods' labels are checked
# in full: the namespace, then the whole selector.
_selecting contains np if {
	policies := k8s.inventory("NetworkPolicy")
	policies != []
	namespace := k8s.namespace
	labels := k8s.pod_labels
	some i in _candidates(_index(policies), labels)
	np := policies[i]
	object.get(np, ["metadata", "namespace"], "") == namespace
	k8s.label_selector_matches(object.get(np, ["spec", "podSelector"], {}), labels)
}

# _candidates are the indexes of the policies that may select pods with these
# labels: those whose matchLabels holds one of them (a policy that selects the
# pods holds all of its matchLabels among their labels), and those whose
# matchLabels leaves nothing to go by.
_candidates(index, labels) := index.unlabelled | {i |
	some key, value in labels
	some i in object.get(index.labelled, [[key, value]], set())
}

# _index sorts a namespace's policies by matchLabels: "labelled" leads from
# each [key, value] a matchLabels object holds to the policies holding it;
# "unlabelled" lists those with no or an empty matchLabels (an empty list, as
# some write it, included). Any other matchLabels selects no pod. It is a
# function of the policies alone: slotcheck works it out once per namespace
# rather than reading every policy for every workload.
_index(policies) := {
	"labelled": {pair: {i | some i, np in policies; _match_labels(np)[pair[0]] == pair[1]} | some pair in _pairs(policies)},
	"unlabelled": {i | some i, np in policies; _match_labels(np) in {{}, [], set()}},
}

_pairs(policies) := {[key, value] |
	some np in policies
	match_labels := _match_labels(np)
	is_object(match_labels)
	some key, value in match_labels
}

_match_labels(np) := object.get(np, ["spec", "podSelector", "matchLabels"], {})
