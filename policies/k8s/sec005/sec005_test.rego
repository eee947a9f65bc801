package k8s.sec005_test

import data.k8s.sec005

_deployment(pod_security, container_security) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": {
		"securityContext": pod_security,
		"containers": [{"name": "api", "image": "api:v1.0.0", "securityContext": container_security}],
	}}},
}

_msg(name) := sprintf("container %q allows privilege escalation: set securityContext.allowPrivilegeEscalation: false", [name])

test_allow_container_level if {
	count(sec005.deny) == 0 with input as {"object": _deployment({}, {"allowPrivilegeEscalation": false})}
}

test_allow_not_a_workload if {
	count(sec005.deny) == 0 with input as {"object": {"kind": "ConfigMap", "metadata": {"name": "c"}}}
}

test_deny_unset if {
	sec005.deny == {{
		"msg": "container \"api\" allows privilege escalation: set securityContext.allowPrivilegeEscalation: false",
		"path": ["spec", "template", "spec", "containers", 0, "securityContext", "allowPrivilegeEscalation"],
		"container": "api",
	}} with input as {"object": _deployment({}, {})}
}

test_deny_true if {
	sec005.deny == {{
		"msg": _msg("api"),
		"path": ["spec", "template", "spec", "containers", 0, "securityContext", "allowPrivilegeEscalation"],
		"container": "api",
	}} with input as {"object": _deployment({}, {"allowPrivilegeEscalation": true})}
}

# The field does not exist at pod level: a pod-level value covers nothing.
test_deny_pod_level_is_not_inherited if {
	count(sec005.deny) == 1 with input as {"object": _deployment({"allowPrivilegeEscalation": false}, {})}
}

test_deny_init_and_ephemeral_containers_in_job if {
	obj := {
		"kind": "Job",
		"metadata": {"name": "migrate"},
		"spec": {"template": {"spec": {
			"initContainers": [{"name": "setup"}],
			"containers": [{"name": "job", "securityContext": {"allowPrivilegeEscalation": false}}],
			"ephemeralContainers": [{"name": "debug", "securityContext": {"allowPrivilegeEscalation": true}}],
		}}},
	}
	sec005.deny == {
		{
			"msg": _msg("setup"),
			"path": ["spec", "template", "spec", "initContainers", 0, "securityContext", "allowPrivilegeEscalation"],
			"container": "setup",
		},
		{
			"msg": _msg("debug"),
			"path": ["spec", "template", "spec", "ephemeralContainers", 0, "securityContext", "allowPrivilegeEscalation"],
			"container": "debug",
		},
	} with input as {"object": obj}
}

test_deny_cronjob if {
	obj := {
		"kind": "CronJob",
		"metadata": {"name": "nightly"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "job"}]}}}}},
	}
	sec005.deny == {{
		"msg": _msg("job"),
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "containers", 0, "securityContext", "allowPrivilegeEscalation"],
		"container": "job",
	}} with input as {"object": obj}
}
