# METADATA
# title: Enough replicas for the environment
# description: |
#   A Deployment, StatefulSet, ReplicaSet or OpenShift DeploymentConfig runs at
#   least the replicas of its environment's profile (development 1, staging 2,
#   production 3), so that one pod lost to a node drain or a crash does not
#   take the service down. An HorizontalPodAutoscaler in the same namespace
#   that targets the object with minReplicas at least that many satisfies the
#   rule as well. spec.replicas defaults to 1 when the manifest leaves it out,
#   and minReplicas to 1. A ReplicaSet owned by a Deployment is scaled through
#   its owner, which is checked.
# custom:
#   id: AVL001
#   severity: error
#   section: Environment Configuration
#   remediation: |
#     Set spec.replicas to at least the environment's replicas (staging 2,
#     production 3), or target the object with a HorizontalPodAutoscaler whose
#     minReplicas is at least that many.
#   environments: [staging, production]
#   reads: [{kind: HorizontalPodAutoscaler, apiVersion: autoscaling/v2, scope: namespace}]
package k8s.avl001

import data.lib.k8s

# The kinds (k8s.scalable_kinds) are written as a literal so that OPA's rule
# index skips the others.
deny contains {"msg": msg, "path": ["spec", "replicas"]} if {
	input.object.kind in {"Deployment", "StatefulSet", "ReplicaSet", "DeploymentConfig"}
	not k8s.owned
	want := input.profile.replicas
	replicas := object.get(input.object, ["spec", "replicas"], 1)
	replicas < want
	not _autoscaled_to(want)
	msg := sprintf(
		"%s %q runs %v replica(s), fewer than the %v this environment requires: set spec.replicas: %v, or target it with a HorizontalPodAutoscaler whose minReplicas is at least %v",
		[input.object.kind, k8s.name, replicas, want, want, want],
	)
}

_autoscaled_to(want) if {
	some hpa in k8s.autoscalers
	k8s.min_replicas(hpa) >= want
}
