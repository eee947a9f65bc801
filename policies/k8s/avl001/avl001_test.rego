package k8s.avl001_test

import data.k8s.avl001

_profile := {"replicas": 3}

_deployment(spec) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": spec,
}

_hpa(namespace, kind, target, min) := {
	"apiVersion": "autoscaling/v2",
	"kind": "HorizontalPodAutoscaler",
	"metadata": {"name": "api", "namespace": namespace},
	"spec": object.union(
		{"scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind, "name": target}, "maxReplicas": 10},
		min,
	),
}

test_allow_enough_replicas if {
	count(avl001.deny) == 0 with input as {"object": _deployment({"replicas": 3}), "profile": _profile}
}

test_allow_more_replicas_statefulset if {
	obj := object.union(_deployment({"replicas": 5}), {"kind": "StatefulSet"})
	count(avl001.deny) == 0 with input as {"object": obj, "profile": _profile}
}

test_allow_hpa_with_enough_min_replicas if {
	count(avl001.deny) == 0 with input as {
		"object": _deployment({"replicas": 1}),
		"profile": _profile,
		"inventory": {"HorizontalPodAutoscaler": [_hpa("shop", "Deployment", "api", {"minReplicas": 3})]},
	}
}

test_allow_other_kinds if {
	obj := {"kind": "DaemonSet", "metadata": {"name": "agent"}, "spec": {}}
	count(avl001.deny) == 0 with input as {"object": obj, "profile": _profile}
}

test_allow_owned_replicaset if {
	obj := {
		"kind": "ReplicaSet",
		"metadata": {"name": "api-7d9", "namespace": "shop", "ownerReferences": [{"kind": "Deployment", "name": "api", "controller": true}]},
		"spec": {"replicas": 1},
	}
	count(avl001.deny) == 0 with input as {"object": obj, "profile": _profile}
}

test_deny_too_few_replicas if {
	avl001.deny == {{
		"msg": "Deployment \"api\" runs 2 replica(s), fewer than the 3 this environment requires: set spec.replicas: 3, or target it with a HorizontalPodAutoscaler whose minReplicas is at least 3",
		"path": ["spec", "replicas"],
	}} with input as {"object": _deployment({"replicas": 2}), "profile": _profile}
}

test_deny_replicas_default_to_one if {
	avl001.deny == {{
		"msg": "Deployment \"api\" runs 1 replica(s), fewer than the 3 this environment requires: set spec.replicas: 3, or target it with a HorizontalPodAutoscaler whose minReplicas is at least 3",
		"path": ["spec", "replicas"],
	}} with input as {"object": _deployment({}), "profile": _profile}
}

test_deny_hpa_min_replicas_too_low if {
	count(avl001.deny) == 1 with input as {
		"object": _deployment({"replicas": 1}),
		"profile": _profile,
		"inventory": {"HorizontalPodAutoscaler": [_hpa("shop", "Deployment", "api", {"minReplicas": 2})]},
	}
}

test_deny_hpa_min_replicas_defaults_to_one if {
	count(avl001.deny) == 1 with input as {
		"object": _deployment({"replicas": 1}),
		"profile": _profile,
		"inventory": {"HorizontalPodAutoscaler": [_hpa("shop", "Deployment", "api", {})]},
	}
}

test_deny_hpa_in_other_namespace if {
	count(avl001.deny) == 1 with input as {
		"object": _deployment({"replicas": 1}),
		"profile": _profile,
		"inventory": {"HorizontalPodAutoscaler": [_hpa("other", "Deployment", "api", {"minReplicas": 3})]},
	}
}

test_deny_hpa_targets_other_object if {
	count(avl001.deny) == 1 with input as {
		"object": _deployment({"replicas": 1}),
		"profile": _profile,
		"inventory": {"HorizontalPodAutoscaler": [
			_hpa("shop", "Deployment", "web", {"minReplicas": 3}),
			_hpa("shop", "StatefulSet", "api", {"minReplicas": 3}),
		]},
	}
}

# OpenShift's DeploymentConfig carries spec.replicas as a Deployment does.
test_deny_openshift_deployment_config if {
	dc := {"apiVersion": "apps.openshift.io/v1", "kind": "DeploymentConfig", "metadata": {"name": "api", "namespace": "shop"}, "spec": {"replicas": 1}}
	avl001.deny == {{
		"msg": "DeploymentConfig \"api\" runs 1 replica(s), fewer than the 3 this environment requires: set spec.replicas: 3, or target it with a HorizontalPodAutoscaler whose minReplicas is at least 3",
		"path": ["spec", "replicas"],
	}} with input as {"object": dc, "profile": _profile}
}
