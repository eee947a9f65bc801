# METADATA
# title: Deployments autoscale within the environment's bounds
# description: |
#   Where the environment's profile enables autoscaling (staging 2..5, production
#   3..20), each Deployment is targeted by a HorizontalPodAutoscaler
#   (autoscaling/v2 or v1) in its namespace whose minReplicas and maxReplicas lie
#   within the profile's bounds, so it follows its load without running below the
#   environment's floor or beyond its budget. minReplicas defaults to 1.
# custom:
#   id: AVL003
#   severity: warning
#   section: Environment Configuration
#   remediation: |
#     Add a HorizontalPodAutoscaler (autoscaling/v2) whose scaleTargetRef names the
#     Deployment, with minReplicas and maxReplicas within the environment's bounds
#     (staging 2..5, production 3..20).
#   environments: [staging, production]
#   reads: [{kind: HorizontalPodAutoscaler, apiVersion: autoscaling/v2, scope: namespace}]
package k8s.avl003

import data.lib.k8s

_bounds := input.profile.autoscaling

deny contains {"msg": msg, "path": ["metadata", "name"]} if {
	input.object.kind == "Deployment"
	_bounds.enabled == true
	count(k8s.autoscalers) == 0
	msg := sprintf(
		"Deployment %q is not autoscaled: add a HorizontalPodAutoscaler whose scaleTargetRef names it, with minReplicas and maxReplicas within this environment's %v..%v",
		[k8s.name, _bounds.minReplicas, _bounds.maxReplicas],
	)
}

# An HPA out of bounds is reported at its minReplicas or maxReplicas (in the
# HPA's file: "object" names it), the finding staying the Deployment's.
deny contains {"msg": msg, "path": ["spec", _field(low, high)], "object": k8s.object_ref(hpa)} if {
	input.object.kind == "Deployment"
	_bounds.enabled == true
	some hpa in k8s.autoscalers
	low := k8s.min_replicas(hpa)
	high := object.get(hpa, ["spec", "maxReplicas"], null)
	not _within_bounds(low, high)
	msg := sprintf(
		"HorizontalPodAutoscaler %q scales Deployment %q between %v and %v replicas: set its minReplicas and maxReplicas within this environment's %v..%v",
		[object.get(hpa, ["metadata", "name"], ""), k8s.name, low, high, _bounds.minReplicas, _bounds.maxReplicas],
	)
}

_within_bounds(low, high) if {
	_bounds.minReplicas <= low
	low <= high
	high <= _bounds.maxReplicas
}

# _field is the bound to change: minReplicas when it lies outside the
# environment's bounds, else maxReplicas.
_field(low, high) := "minReplicas" if not _min_within(low)

_field(low, high) := "maxReplicas" if _min_within(low)

_min_within(low) if {
	_bounds.minReplicas <= low
	low <= _bounds.maxReplicas
}
