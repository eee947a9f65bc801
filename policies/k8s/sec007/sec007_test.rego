package k8s.sec007_test

import data.k8s.sec007

_deployment(container_security) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": {"containers": [{"name": "api", "image": "api:v1.0.0", "securityContext": container_security}]}}},
}

_caps := ["spec", "template", "spec", "containers", 0, "securityContext", "capabilities"]

test_allow_drop_all if {
	count(sec007.deny) == 0 with input as {"object": _deployment({"capabilities": {"drop": ["ALL"]}})}
}

test_allow_drop_all_any_case_and_empty_add if {
	count(sec007.deny) == 0 with input as {"object": _deployment({"capabilities": {"drop": ["NET_RAW", "all"], "add": []}})}
}

test_allow_not_a_workload if {
	count(sec007.deny) == 0 with input as {"object": {"kind": "ConfigMap", "metadata": {"name": "c"}}}
}

test_deny_unset if {
	sec007.deny == {{
		"msg": "container \"api\" does not drop all capabilities: set securityContext.capabilities.drop: [\"ALL\"]",
		"path": array.concat(_caps, ["drop"]),
		"container": "api",
	}} with input as {"object": _deployment({})}
}

test_deny_drop_without_all if {
	count(sec007.deny) == 1 with input as {"object": _deployment({"capabilities": {"drop": ["NET_RAW"]}})}
}

test_deny_each_added_capability if {
	sec007.deny == {
		{
			"msg": "container \"api\" adds capability \"NET_ADMIN\": remove it from securityContext.capabilities.add and keep drop: [\"ALL\"]",
			"path": array.concat(_caps, ["add", 0]),
			"container": "api",
		},
		{
			"msg": "container \"api\" adds capability \"NET_BIND_SERVICE\": remove it from securityContext.capabilities.add and keep drop: [\"ALL\"]",
			"path": array.concat(_caps, ["add", 1]),
			"container": "api",
		},
	} with input as {"object": _deployment({"capabilities": {"drop": ["ALL"], "add": ["NET_ADMIN", "NET_BIND_SERVICE"]}})}
}

test_deny_add_without_drop if {
	count(sec007.deny) == 2 with input as {"object": _deployment({"capabilities": {"add": ["SYS_ADMIN"]}})}
}

test_deny_init_container_in_cronjob if {
	obj := {
		"kind": "CronJob",
		"metadata": {"name": "nightly"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {
			"initContainers": [{"name": "setup", "securityContext": {"capabilities": {"drop": ["ALL"], "add": ["CHOWN"]}}}],
			"containers": [{"name": "job", "securityContext": {"capabilities": {"drop": ["ALL"]}}}],
		}}}}},
	}
	sec007.deny == {{
		"msg": "container \"setup\" adds capability \"CHOWN\": remove it from securityContext.capabilities.add and keep drop: [\"ALL\"]",
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "initContainers", 0, "securityContext", "capabilities", "add", 0],
		"container": "setup",
	}} with input as {"object": obj}
}
