package k8s.sec003_test

import data.k8s.sec003

_deployment(pod_security) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": {
		"securityContext": pod_security,
		"containers": [{"name": "api", "image": "api:v1.0.0"}],
	}}},
}

test_allow_pod_fs_group if {
	count(sec003.deny) == 0 with input as {"object": _deployment({"runAsUser": 1000, "fsGroup": 1000})}
}

test_allow_not_a_workload if {
	count(sec003.deny) == 0 with input as {"object": {"kind": "Service", "metadata": {"name": "api"}, "spec": {}}}
}

test_deny_unset if {
	sec003.deny == {{
		"msg": "pod securityContext sets no fsGroup: set fsGroup to a non-zero GID such as 1000",
		"path": ["spec", "template", "spec", "securityContext", "fsGroup"],
	}} with input as {"object": _deployment({"runAsUser": 1000})}
}

test_deny_zero if {
	sec003.deny == {{
		"msg": "pod securityContext sets fsGroup: 0 (root group): set fsGroup to a non-zero GID such as 1000",
		"path": ["spec", "template", "spec", "securityContext", "fsGroup"],
	}} with input as {"object": _deployment({"fsGroup": 0})}
}

test_deny_pod_without_security_context if {
	obj := {"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c"}]}}
	sec003.deny == {{
		"msg": "pod securityContext sets no fsGroup: set fsGroup to a non-zero GID such as 1000",
		"path": ["spec", "securityContext", "fsGroup"],
	}} with input as {"object": obj}
}

test_deny_cronjob if {
	obj := {
		"kind": "CronJob",
		"metadata": {"name": "nightly"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {
			"securityContext": {"fsGroup": 0},
			"containers": [{"name": "job"}],
		}}}}},
	}
	sec003.deny == {{
		"msg": "pod securityContext sets fsGroup: 0 (root group): set fsGroup to a non-zero GID such as 1000",
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "securityContext", "fsGroup"],
	}} with input as {"object": obj}
}
