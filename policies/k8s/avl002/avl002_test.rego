package k8s.avl002_test

import data.k8s.avl002

_deployment(strategy) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"replicas": 3, "strategy": strategy},
}

test_allow_max_unavailable_zero if {
	strategy := {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}
	count(avl002.deny) == 0 with input as {"object": _deployment(strategy)}
}

test_allow_max_unavailable_zero_percent_type_defaulted if {
	strategy := {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "0%"}}
	count(avl002.deny) == 0 with input as {"object": _deployment(strategy)}
}

test_allow_other_kinds if {
	obj := {"kind": "StatefulSet", "metadata": {"name": "db"}, "spec": {"updateStrategy": {"type": "OnDelete"}}}
	count(avl002.deny) == 0 with input as {"object": obj}
}

test_deny_strategy_missing if {
	obj := {"kind": "Deployment", "metadata": {"name": "api"}, "spec": {}}
	avl002.deny == {{
		"msg": "Deployment \"api\" allows 25% of its pods to be unavailable during a rollout: set spec.strategy.rollingUpdate.maxUnavailable: 0 (with maxSurge: 1)",
		"path": ["spec", "strategy", "rollingUpdate", "maxUnavailable"],
	}} with input as {"object": obj}
}

test_deny_max_unavailable_one if {
	strategy := {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 1}}
	avl002.deny == {{
		"msg": "Deployment \"api\" allows 1 of its pods to be unavailable during a rollout: set spec.strategy.rollingUpdate.maxUnavailable: 0 (with maxSurge: 1)",
		"path": ["spec", "strategy", "rollingUpdate", "maxUnavailable"],
	}} with input as {"object": _deployment(strategy)}
}

test_deny_recreate if {
	avl002.deny == {{
		"msg": "Deployment \"api\" uses strategy Recreate, which does not keep pods serving during a rollout: set spec.strategy.type: RollingUpdate with rollingUpdate.maxUnavailable: 0",
		"path": ["spec", "strategy", "type"],
	}} with input as {"object": _deployment({"type": "Recreate"})}
}
