package k8s.sec006_test

import data.k8s.sec006

_deployment(pod_security, container_security) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": {
		"securityContext": pod_security,
		"containers": [{"name": "api", "image": "api:v1.0.0", "securityContext": container_security}],
	}}},
}

_msg(name) := sprintf("container %q has a writable root filesystem: set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where it must write", [name])

test_allow_container_level if {
	count(sec006.deny) == 0 with input as {"object": _deployment({}, {"readOnlyRootFilesystem": true})}
}

test_allow_not_a_workload if {
	count(sec006.deny) == 0 with input as {"object": {"kind": "Secret", "metadata": {"name": "s"}}}
}

test_deny_unset if {
	sec006.deny == {{
		"msg": "container \"api\" has a writable root filesystem: set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where it must write",
		"path": ["spec", "template", "spec", "containers", 0, "securityContext", "readOnlyRootFilesystem"],
		"container": "api",
	}} with input as {"object": _deployment({}, {})}
}

test_deny_false if {
	count(sec006.deny) == 1 with input as {"object": _deployment({}, {"readOnlyRootFilesystem": false})}
}

# The field does not exist at pod level: a pod-level value covers nothing.
test_deny_pod_level_is_not_inherited if {
	count(sec006.deny) == 1 with input as {"object": _deployment({"readOnlyRootFilesystem": true}, {})}
}

test_deny_init_container_in_cronjob if {
	obj := {
		"kind": "CronJob",
		"metadata": {"name": "nightly"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {
			"initContainers": [{"name": "setup", "securityContext": {"readOnlyRootFilesystem": false}}],
			"containers": [{"name": "job", "securityContext": {"readOnlyRootFilesystem": true}}],
		}}}}},
	}
	sec006.deny == {{
		"msg": _msg("setup"),
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "initContainers", 0, "securityContext", "readOnlyRootFilesystem"],
		"container": "setup",
	}} with input as {"object": obj}
}
