package k8s.res003_test

import data.k8s.res003

_deployment(pod_spec) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": pod_spec}},
}

_with(resources) := _deployment({"containers": [{"name": "api", "resources": resources}]})

test_allow_requests_below_limits_in_other_units if {
	count(res003.deny) == 0 with input as {"object": _with({
		"requests": {"cpu": "500m", "memory": "512Mi"},
		"limits": {"cpu": "2", "memory": "1Gi"},
	})}
}

test_allow_equal_in_other_units if {
	count(res003.deny) == 0 with input as {"object": _with({
		"requests": {"cpu": "0.5", "memory": "1024Mi"},
		"limits": {"cpu": "500m", "memory": "1Gi"},
	})}
}

test_allow_numbers_and_strings if {
	count(res003.deny) == 0 with input as {"object": _with({"requests": {"cpu": "1500m"}, "limits": {"cpu": 2}})}
}

test_allow_only_one_side_set if {
	count(res003.deny) == 0 with input as {"object": _with({"requests": {"cpu": "4", "memory": "8Gi"}})}
}

test_allow_unparsable_quantity_is_left_alone if {
	count(res003.deny) == 0 with input as {"object": _with({"requests": {"cpu": "lots"}, "limits": {"cpu": "1"}})}
}

test_deny_cpu_request_above_limit if {
	res003.deny == {{
		"msg": "container \"api\" requests cpu 2, above its limit 500m: lower the request to at most 500m or raise the limit",
		"path": ["spec", "template", "spec", "containers", 0, "resources", "requests", "cpu"],
		"container": "api",
	}} with input as {"object": _with({
		"requests": {"cpu": "2", "memory": "512Mi"},
		"limits": {"cpu": "500m", "memory": "1Gi"},
	})}
}

test_deny_memory_request_above_limit if {
	res003.deny == {{
		"msg": "container \"api\" requests memory 1Gi, above its limit 512Mi: lower the request to at most 512Mi or raise the limit",
		"path": ["spec", "template", "spec", "containers", 0, "resources", "requests", "memory"],
		"container": "api",
	}} with input as {"object": _with({"requests": {"memory": "1Gi"}, "limits": {"memory": "512Mi"}})}
}

test_deny_init_container_ephemeral_storage if {
	res003.deny == {{
		"msg": "container \"migrate\" requests ephemeral-storage 2Gi, above its limit 1Gi: lower the request to at most 1Gi or raise the limit",
		"path": ["spec", "template", "spec", "initContainers", 0, "resources", "requests", "ephemeral-storage"],
		"container": "migrate",
	}} with input as {"object": _deployment({
		"initContainers": [{"name": "migrate", "resources": {"requests": {"ephemeral-storage": "2Gi"}, "limits": {"ephemeral-storage": "1Gi"}}}],
		"containers": [{"name": "api"}],
	})}
}
