package k8s.avl003_test

import data.k8s.avl003

_profile := {"replicas": 3, "autoscaling": {"enabled": true, "minReplicas": 3, "maxReplicas": 20}}

_deployment := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"replicas": 3},
}

_hpa(api_version, namespace, target, limits) := {
	"apiVersion": api_version,
	"kind": "HorizontalPodAutoscaler",
	"metadata": {"name": "api-hpa", "namespace": namespace},
	"spec": object.union({"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target}}, limits),
}

_input(hpas) := {"object": _deployment, "profile": _profile, "inventory": {"HorizontalPodAutoscaler": hpas}}

test_allow_v2_hpa_within_bounds if {
	count(avl003.deny) == 0 with input as _input([_hpa("autoscaling/v2", "shop", "api", {"minReplicas": 3, "maxReplicas": 20})])
}

test_allow_v1_hpa_within_bounds if {
	count(avl003.deny) == 0 with input as _input([_hpa("autoscaling/v1", "shop", "api", {"minReplicas": 4, "maxReplicas": 10})])
}

test_allow_autoscaling_disabled if {
	profile := {"replicas": 1, "autoscaling": {"enabled": false}}
	count(avl003.deny) == 0 with input as {"object": _deployment, "profile": profile}
}

test_allow_other_kinds if {
	obj := object.union(_deployment, {"kind": "StatefulSet"})
	count(avl003.deny) == 0 with input as {"object": obj, "profile": _profile}
}

test_deny_no_hpa if {
	avl003.deny == {{
		"msg": "Deployment \"api\" is not autoscaled: add a HorizontalPodAutoscaler whose scaleTargetRef names it, with minReplicas and maxReplicas within this environment's 3..20",
		"path": ["metadata", "name"],
	}} with input as {"object": _deployment, "profile": _profile}
}

test_deny_hpa_of_other_deployment_or_namespace if {
	hpas := [
		_hpa("autoscaling/v2", "shop", "web", {"minReplicas": 3, "maxReplicas": 20}),
		_hpa("autoscaling/v2", "other", "api", {"minReplicas": 3, "maxReplicas": 20}),
	]
	count(avl003.deny) == 1 with input as _input(hpas)
}

test_deny_hpa_max_above_bounds if {
	avl003.deny == {{
		"msg": "HorizontalPodAutoscaler \"api-hpa\" scales Deployment \"api\" between 3 and 50 replicas: set its minReplicas and maxReplicas within this environment's 3..20",
		"path": ["spec", "maxReplicas"],
		"object": {"kind": "HorizontalPodAutoscaler", "namespace": "shop", "name": "api-hpa"},
	}} with input as _input([_hpa("autoscaling/v2", "shop", "api", {"minReplicas": 3, "maxReplicas": 50})])
}

test_deny_hpa_min_defaults_to_one if {
	avl003.deny == {{
		"msg": "HorizontalPodAutoscaler \"api-hpa\" scales Deployment \"api\" between 1 and 10 replicas: set its minReplicas and maxReplicas within this environment's 3..20",
		"path": ["spec", "minReplicas"],
		"object": {"kind": "HorizontalPodAutoscaler", "namespace": "shop", "name": "api-hpa"},
	}} with input as _input([_hpa("autoscaling/v2", "shop", "api", {"maxReplicas": 10})])
}

# The HPA's bound that is out of range is blamed: minReplicas first, then a
# maxReplicas below minReplicas or above the bound.
test_deny_points_at_the_bound_out_of_range if {
	every case in [
		{"limits": {"minReplicas": 2, "maxReplicas": 50}, "field": "minReplicas"},
		{"limits": {"minReplicas": 30, "maxReplicas": 10}, "field": "minReplicas"},
		{"limits": {"minReplicas": 5, "maxReplicas": 4}, "field": "maxReplicas"},
		{"limits": {"minReplicas": 3, "maxReplicas": 21}, "field": "maxReplicas"},
	] {
		[v] := [v | some v in avl003.deny] with input as _input([_hpa("autoscaling/v2", "shop", "api", case.limits)])
		v.path == ["spec", case.field]
	}
}
