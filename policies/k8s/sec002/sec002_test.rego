package k8s.sec002_test

import data.k8s.sec002

_deployment(pod_security, container_security) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": {
		"securityContext": pod_security,
		"containers": [{"name": "api", "image": "api:v1.0.0", "securityContext": container_security}],
	}}},
}

_path(field) := ["spec", "template", "spec", "containers", 0, "securityContext", field]

test_allow_pod_level_applies_to_every_container if {
	count(sec002.deny) == 0 with input as {"object": _deployment({"runAsUser": 1000}, {})}
}

test_allow_container_level if {
	count(sec002.deny) == 0 with input as {"object": _deployment({}, {"runAsUser": 1000})}
}

test_allow_container_overrides_pod if {
	count(sec002.deny) == 0 with input as {"object": _deployment({"runAsUser": 2000}, {"runAsUser": 1000})}
}

test_allow_not_a_workload if {
	count(sec002.deny) == 0 with input as {"object": {"kind": "ConfigMap", "metadata": {"name": "c"}, "data": {}}}
}

test_deny_unset if {
	sec002.deny == {{
		"msg": "container \"api\" has no runAsUser and may run as the image's user (root): set runAsUser to a non-zero UID such as 1000 on the pod or container securityContext",
		"path": _path("runAsUser"),
		"container": "api",
	}} with input as {"object": _deployment({}, {})}
}

test_deny_container_zero_overrides_pod if {
	sec002.deny == {{
		"msg": "container \"api\" sets runAsUser: 0 and runs as root: set runAsUser to a non-zero UID such as 1000",
		"path": _path("runAsUser"),
		"container": "api",
	}} with input as {"object": _deployment({"runAsUser": 1000}, {"runAsUser": 0})}
}

test_deny_pod_zero_once_for_inheriting_containers if {
	sec002.deny == {{
		"msg": "pod securityContext sets runAsUser: 0 (root): set runAsUser to a non-zero UID such as 1000",
		"path": ["spec", "template", "spec", "securityContext", "runAsUser"],
	}} with input as {"object": _deployment({"runAsUser": 0}, {})}
}

test_deny_pod_zero_even_when_containers_override if {
	count(sec002.deny) == 1 with input as {"object": _deployment({"runAsUser": 0}, {"runAsUser": 1000})}
}

test_deny_init_container_in_job if {
	obj := {
		"kind": "Job",
		"metadata": {"name": "migrate"},
		"spec": {"template": {"spec": {
			"initContainers": [{"name": "setup", "securityContext": {"runAsUser": 0}}],
			"containers": [{"name": "job", "securityContext": {"runAsUser": 1000}}],
		}}},
	}
	sec002.deny == {{
		"msg": "container \"setup\" sets runAsUser: 0 and runs as root: set runAsUser to a non-zero UID such as 1000",
		"path": ["spec", "template", "spec", "initContainers", 0, "securityContext", "runAsUser"],
		"container": "setup",
	}} with input as {"object": obj}
}

test_deny_cronjob_only_uncovered_container if {
	obj := {
		"kind": "CronJob",
		"metadata": {"name": "nightly"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [
			{"name": "a", "securityContext": {"runAsUser": 1000}},
			{"name": "b"},
		]}}}}},
	}
	sec002.deny == {{
		"msg": "container \"b\" has no runAsUser and may run as the image's user (root): set runAsUser to a non-zero UID such as 1000 on the pod or container securityContext",
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "containers", 1, "securityContext", "runAsUser"],
		"container": "b",
	}} with input as {"object": obj}
}

# A key without a value (null) is unset: the pod's runAsUser still applies.
test_allow_container_null_inherits_pod if {
	count(sec002.deny) == 0 with input as {"object": _deployment({"runAsUser": 1000}, {"runAsUser": null})}
}

test_deny_null_security_contexts if {
	obj := {"kind": "Pod", "metadata": {"name": "p"}, "spec": {"securityContext": null, "containers": [{"name": "c", "securityContext": null}]}}
	sec002.deny == {{
		"msg": "container \"c\" has no runAsUser and may run as the image's user (root): set runAsUser to a non-zero UID such as 1000 on the pod or container securityContext",
		"path": ["spec", "containers", 0, "securityContext", "runAsUser"],
		"container": "c",
	}} with input as {"object": obj}
}
