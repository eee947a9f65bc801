package k8s.res001_test

import data.k8s.res001

_resources := {"requests": {"cpu": "500m", "memory": "512Mi"}, "limits": {"cpu": "2000m", "memory": "2Gi"}}

_profile := {"resources": {"requests": {"cpu": "200m", "memory": "256Mi"}, "limits": {"cpu": "1000m", "memory": "1Gi"}}}

_deployment(pod_spec) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": pod_spec}},
}

test_allow_requests_on_every_container if {
	count(res001.deny) == 0 with input as {"object": _deployment({
		"initContainers": [{"name": "migrate", "image": "migrate:v1.0.0", "resources": _resources}],
		"containers": [{"name": "api", "image": "api:v1.0.0", "resources": _resources}],
	})}
}

test_allow_numeric_quantities if {
	count(res001.deny) == 0 with input as {"object": _deployment({"containers": [{"name": "api", "resources": {"requests": {"cpu": 1, "memory": 536870912}}}]})}
}

test_allow_ephemeral_container_without_resources if {
	pod := {
		"kind": "Pod",
		"metadata": {"name": "api"},
		"spec": {
			"containers": [{"name": "api", "resources": _resources}],
			"ephemeralContainers": [{"name": "debug", "image": "busybox:1.36"}],
		},
	}
	count(res001.deny) == 0 with input as {"object": pod}
}

test_allow_object_without_pods if {
	count(res001.deny) == 0 with input as {"object": {"kind": "Service", "metadata": {"name": "api"}, "spec": {}}}
}

test_deny_missing_cpu_request_names_profile_value if {
	res001.deny == {{
		"msg": "container \"api\" has no cpu request: set resources.requests.cpu explicitly, e.g. cpu: 200m",
		"path": ["spec", "template", "spec", "containers", 0, "resources", "requests", "cpu"],
		"container": "api",
	}} with input as {
		"object": _deployment({"containers": [{"name": "api", "resources": {"requests": {"memory": "256Mi"}}}]}),
		"environment": "staging",
		"profile": _profile,
	}
}

test_deny_limit_only_still_needs_explicit_request if {
	res001.deny == {
		{
			"msg": "container \"api\" has no cpu request: set resources.requests.cpu explicitly, e.g. cpu: 500m",
			"path": ["spec", "template", "spec", "containers", 0, "resources", "requests", "cpu"],
			"container": "api",
		},
		{
			"msg": "container \"api\" has no memory request: set resources.requests.memory explicitly, e.g. memory: 512Mi",
			"path": ["spec", "template", "spec", "containers", 0, "resources", "requests", "memory"],
			"container": "api",
		},
	} with input as {"object": _deployment({"containers": [{"name": "api", "resources": {"limits": _resources.limits}}]})}
}

test_deny_init_container if {
	res001.deny == {{
		"msg": "container \"migrate\" has no memory request: set resources.requests.memory explicitly, e.g. memory: 512Mi",
		"path": ["spec", "template", "spec", "initContainers", 0, "resources", "requests", "memory"],
		"container": "migrate",
	}} with input as {"object": _deployment({
		"initContainers": [{"name": "migrate", "resources": {"requests": {"cpu": "100m", "memory": null}}}],
		"containers": [{"name": "api", "resources": _resources}],
	})}
}

test_deny_cronjob_container_without_resources if {
	cronjob := {
		"kind": "CronJob",
		"metadata": {"name": "nightly"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "job"}]}}}}},
	}
	count(res001.deny) == 2 with input as {"object": cronjob}
}

test_deny_malformed_quantity if {
	res001.deny == {{
		"msg": "container \"api\" cpu request \"lots\" is not a Kubernetes quantity: write a number with an optional unit, e.g. cpu: 500m",
		"path": ["spec", "template", "spec", "containers", 0, "resources", "requests", "cpu"],
		"container": "api",
	}} with input as {"object": _deployment({"containers": [{"name": "api", "resources": {"requests": {"cpu": "lots", "memory": "1e9"}}}]})}
}
