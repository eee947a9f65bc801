package k8s.res004_test

import data.k8s.res004

_production := {
	"replicas": 3,
	"resources": {"requests": {"cpu": "500m", "memory": "512Mi"}, "limits": {"cpu": "2000m", "memory": "2Gi"}},
}

_deployment(pod_spec) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": pod_spec}},
}

_with(resources) := _deployment({"containers": [{"name": "api", "resources": resources}]})

test_allow_profile_values if {
	count(res004.deny) == 0 with input as {
		"object": _with(_production.resources),
		"environment": "production",
		"profile": _production,
	}
}

test_allow_within_bounds_in_other_units if {
	count(res004.deny) == 0 with input as {
		"object": _with({"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "1.5", "memory": "2048Mi"}}),
		"environment": "production",
		"profile": _production,
	}
}

test_allow_missing_profile_fields if {
	count(res004.deny) == 0 with input as {
		"object": _with({"requests": {"cpu": "10m", "memory": "1Mi"}, "limits": {"cpu": "64", "memory": "1Ti"}}),
		"environment": "production",
		"profile": {"replicas": 3, "resources": {"limits": {"cpu": null}}},
	}
}

test_allow_without_profile if {
	count(res004.deny) == 0 with input as {"object": _with({"requests": {"cpu": "10m"}, "limits": {"cpu": "64"}})}
}

test_deny_limit_above_profile if {
	res004.deny == {{
		"msg": "container \"api\" limits cpu to 4, above the production profile limit 2000m: set limits.cpu to at most 2000m",
		"path": ["spec", "template", "spec", "containers", 0, "resources", "limits", "cpu"],
		"container": "api",
	}} with input as {
		"object": _with({"requests": {"cpu": "500m", "memory": "512Mi"}, "limits": {"cpu": "4", "memory": "2Gi"}}),
		"environment": "production",
		"profile": _production,
	}
}

test_deny_request_below_profile if {
	res004.deny == {{
		"msg": "container \"api\" requests memory 256Mi, below the production profile request 512Mi: set requests.memory to at least 512Mi",
		"path": ["spec", "template", "spec", "containers", 0, "resources", "requests", "memory"],
		"container": "api",
	}} with input as {
		"object": _with({"requests": {"cpu": "500m", "memory": "256Mi"}, "limits": {"cpu": "2", "memory": "2Gi"}}),
		"environment": "production",
		"profile": _production,
	}
}

test_deny_one_violation_per_value if {
	count(res004.deny) == 4 with input as {
		"object": _with({"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "3", "memory": "4Gi"}}),
		"environment": "production",
		"profile": _production,
	}
}

test_deny_init_container_in_staging if {
	res004.deny == {{
		"msg": "container \"migrate\" limits memory to 2Gi, above the staging profile limit 1Gi: set limits.memory to at most 1Gi",
		"path": ["spec", "template", "spec", "initContainers", 0, "resources", "limits", "memory"],
		"container": "migrate",
	}} with input as {
		"object": _deployment({
			"initContainers": [{"name": "migrate", "resources": {"limits": {"memory": "2Gi"}}}],
			"containers": [{"name": "api"}],
		}),
		"environment": "staging",
		"profile": {"resources": {"requests": {"cpu": "200m", "memory": "256Mi"}, "limits": {"cpu": "1000m", "memory": "1Gi"}}},
	}
}
