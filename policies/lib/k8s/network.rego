# Cross-object helpers for the rules that read input.inventory: the other objects
# of the scan (or, in the webhook, of the cluster) that select, scale or scrape the
# target, such as NetworkPolicies, HorizontalPodAutoscalers and ServiceMonitors.
package lib.k8s

# inventory is the list of the inventory's objects of a kind, empty when absent.
inventory(kind) := object.get(input, ["inventory", kind], [])

# object_namespace is an object's namespace, "" when its manifest leaves it unset.
object_namespace(obj) := object.get(obj, ["metadata", "namespace"], "")

# object_ref names an inventory object for a deny element's "object", which
# places the finding at the path inside that object (policies/README.md).
object_ref(obj) := {
	"kind": object.get(obj, "kind", ""),
	"namespace": object_namespace(obj),
	"name": object.get(obj, ["metadata", "name"], ""),
}

# same_namespace holds when obj lives in the target's namespace.
same_namespace(obj) if object.get(obj, ["metadata", "namespace"], "") == namespace

# owned holds when another object (a controller) owns the target through
# metadata.ownerReferences: that owner is what a manifest declares and is checked.
owned if count(object.get(input.object, ["metadata", "ownerReferences"], [])) > 0

# autoscalers holds the HorizontalPodAutoscalers (autoscaling/v1 or v2) of the
# target's namespace whose scaleTargetRef names the target by kind and name.
autoscalers contains hpa if {
	some hpa in inventory("HorizontalPodAutoscaler")
	same_namespace(hpa)
	hpa.spec.scaleTargetRef.kind == input.object.kind
	hpa.spec.scaleTargetRef.name == name
}

# min_replicas is an HPA's minReplicas, 1 when unset as Kubernetes defaults it.
min_replicas(hpa) := object.get(hpa, ["spec", "minReplicas"], 1)

# network_policy_types are the traffic directions a NetworkPolicy isolates.
# Without policyTypes Kubernetes sets Ingress, plus Egress when the policy has
# egress rules.
network_policy_types(np) := {t | some t in np.spec.policyTypes} if count(np.spec.policyTypes) > 0

network_policy_types(np) := {"Ingress"} | _implied_egress(np) if not _has_policy_types(np)

_has_policy_types(np) if count(np.spec.policyTypes) > 0

_implied_egress(np) := {"Egress"} if _has_egress_rules(np)

_implied_egress(np) := set() if not _has_egress_rules(np)

_has_egress_rules(np) if count(np.spec.egress) > 0
