package k8s.res002_test

import data.k8s.res002

_resources := {"requests": {"cpu": "500m", "memory": "512Mi"}, "limits": {"cpu": "2000m", "memory": "2Gi"}}

_profile := {"resources": {"requests": {"cpu": "500m", "memory": "512Mi"}, "limits": {"cpu": 2, "memory": "2Gi"}}}

_deployment(pod_spec) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": pod_spec}},
}

test_allow_limits_on_every_container if {
	count(res002.deny) == 0 with input as {"object": _deployment({
		"initContainers": [{"name": "migrate", "resources": _resources}],
		"containers": [{"name": "api", "resources": _resources}],
	})}
}

test_allow_ephemeral_container_without_limits if {
	pod := {
		"kind": "Pod",
		"metadata": {"name": "api"},
		"spec": {
			"containers": [{"name": "api", "resources": _resources}],
			"ephemeralContainers": [{"name": "debug"}],
		},
	}
	count(res002.deny) == 0 with input as {"object": pod}
}

test_deny_missing_memory_limit if {
	res002.deny == {{
		"msg": "container \"api\" has no memory limit: set resources.limits.memory, e.g. memory: 2Gi",
		"path": ["spec", "template", "spec", "containers", 0, "resources", "limits", "memory"],
		"container": "api",
	}} with input as {
		"object": _deployment({"containers": [{"name": "api", "resources": {"limits": {"cpu": "1"}}}]}),
		"environment": "production",
		"profile": _profile,
	}
}

test_deny_numeric_profile_value_in_example if {
	res002.deny == {{
		"msg": "container \"api\" has no cpu limit: set resources.limits.cpu, e.g. cpu: 2",
		"path": ["spec", "template", "spec", "containers", 0, "resources", "limits", "cpu"],
		"container": "api",
	}} with input as {
		"object": _deployment({"containers": [{"name": "api", "resources": {"limits": {"memory": "1Gi"}}}]}),
		"profile": _profile,
	}
}

test_deny_init_container_without_resources if {
	count(res002.deny) == 2 with input as {"object": _deployment({
		"initContainers": [{"name": "migrate"}],
		"containers": [{"name": "api", "resources": _resources}],
	})}
}

test_deny_malformed_quantity if {
	res002.deny == {{
		"msg": "container \"api\" memory limit \"2 GB\" is not a Kubernetes quantity: write a number with an optional unit, e.g. memory: 2Gi",
		"path": ["spec", "template", "spec", "containers", 0, "resources", "limits", "memory"],
		"container": "api",
	}} with input as {"object": _deployment({"containers": [{"name": "api", "resources": {"limits": {"cpu": "1", "memory": "2 GB"}}}]})}
}
