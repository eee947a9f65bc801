# METADATA
# title: Rolling updates keep every pod serving
# description: |
#   A Deployment rolls out with strategy RollingUpdate and
#   rollingUpdate.maxUnavailable: 0, so new pods must be ready before old ones
#   stop and a rollout never lowers capacity. Recreate stops every pod first;
#   a missing strategy or maxUnavailable takes the Kubernetes default of 25%.
# custom:
#   id: AVL002
#   severity: error
#   section: Deployment Strategies
#   remediation: |
#     Set spec.strategy to type: RollingUpdate with rollingUpdate.maxSurge: 1 and
#     rollingUpdate.maxUnavailable: 0.
#   environments: [staging, production]
package k8s.avl002

import data.lib.k8s

_strategy := object.get(input.object, ["spec", "strategy"], {})

_type := object.get(_strategy, "type", "RollingUpdate")

deny contains {"msg": msg, "path": ["spec", "strategy", "type"]} if {
	input.object.kind == "Deployment"
	_type != "RollingUpdate"
	msg := sprintf(
		"Deployment %q uses strategy %v, which does not keep pods serving during a rollout: set spec.strategy.type: RollingUpdate with rollingUpdate.maxUnavailable: 0",
		[k8s.name, _type],
	)
}

deny contains {"msg": msg, "path": ["spec", "strategy", "rollingUpdate", "maxUnavailable"]} if {
	input.object.kind == "Deployment"
	_type == "RollingUpdate"
	max_unavailable := object.get(_strategy, ["rollingUpdate", "maxUnavailable"], "25%")
	not max_unavailable in {0, "0%"}
	msg := sprintf(
		"Deployment %q allows %v of its pods to be unavailable during a rollout: set spec.strategy.rollingUpdate.maxUnavailable: 0 (with maxSurge: 1)",
		[k8s.name, max_unavailable],
	)
}
