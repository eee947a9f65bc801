package k8s.sec010_test

import data.k8s.sec010

_deployment(container, volumes) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": {
		"containers": [object.union({"name": "api", "image": "api:v1.0.0", "securityContext": {"readOnlyRootFilesystem": true}}, container)],
		"volumes": volumes,
	}}},
}

_mounts := ["spec", "template", "spec", "containers", 0, "volumeMounts"]

_volumes := [{"name": "tmp", "emptyDir": {}}, {"name": "config", "configMap": {"name": "api"}}]

test_allow_tmp_empty_dir if {
	container := {"volumeMounts": [{"name": "config", "mountPath": "/etc/config", "readOnly": true}, {"name": "tmp", "mountPath": "/tmp"}]}
	count(sec010.deny) == 0 with input as {"object": _deployment(container, _volumes)}
}

test_allow_trailing_slash_and_memory_medium if {
	container := {"volumeMounts": [{"name": "scratch", "mountPath": "/tmp/", "readOnly": false}]}
	count(sec010.deny) == 0 with input as {"object": _deployment(container, [{"name": "scratch", "emptyDir": {"medium": "Memory"}}])}
}

test_allow_generic_ephemeral_volume if {
	container := {"volumeMounts": [{"name": "scratch", "mountPath": "/tmp"}]}
	volumes := [{"name": "scratch", "ephemeral": {"volumeClaimTemplate": {"spec": {"accessModes": ["ReadWriteOnce"]}}}}]
	count(sec010.deny) == 0 with input as {"object": _deployment(container, volumes)}
}

test_allow_writable_root_is_left_to_sec006 if {
	count(sec010.deny) == 0 with input as {"object": _deployment({"securityContext": {"readOnlyRootFilesystem": false}}, [])}
}

test_deny_no_tmp_mount if {
	container := {"volumeMounts": [{"name": "config", "mountPath": "/etc/config", "readOnly": true}]}
	sec010.deny == {{
		"msg": "container \"api\" has a read-only root filesystem and no writable /tmp: mount an emptyDir volume at /tmp",
		"path": _mounts,
		"container": "api",
	}} with input as {"object": _deployment(container, _volumes)}
}

test_deny_no_mounts_at_all if {
	count(sec010.deny) == 1 with input as {"object": _deployment({}, [])}
}

test_deny_tmp_not_empty_dir if {
	container := {"volumeMounts": [{"name": "config", "mountPath": "/tmp"}]}
	sec010.deny == {{
		"msg": "container \"api\" mounts volume \"config\" at /tmp, which is not an emptyDir: mount an emptyDir volume at /tmp",
		"path": array.concat(_mounts, [0, "name"]),
		"container": "api",
	}} with input as {"object": _deployment(container, _volumes)}
}

test_deny_tmp_volume_missing if {
	container := {"volumeMounts": [{"name": "nowhere", "mountPath": "/tmp"}]}
	count(sec010.deny) == 1 with input as {"object": _deployment(container, _volumes)}
}

test_deny_tmp_read_only if {
	container := {"volumeMounts": [{"name": "tmp", "mountPath": "/tmp", "readOnly": true}]}
	sec010.deny == {{
		"msg": "container \"api\" mounts its /tmp emptyDir read-only: remove readOnly: true from the /tmp volumeMount",
		"path": array.concat(_mounts, [0, "readOnly"]),
		"container": "api",
	}} with input as {"object": _deployment(container, _volumes)}
}

test_deny_init_container_in_cronjob if {
	obj := {
		"kind": "CronJob",
		"metadata": {"name": "nightly"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {
			"initContainers": [{"name": "setup", "securityContext": {"readOnlyRootFilesystem": true}}],
			"containers": [{
				"name": "job",
				"securityContext": {"readOnlyRootFilesystem": true},
				"volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
			}],
			"volumes": [{"name": "tmp", "emptyDir": {}}],
		}}}}},
	}
	sec010.deny == {{
		"msg": "container \"setup\" has a read-only root filesystem and no writable /tmp: mount an emptyDir volume at /tmp",
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "initContainers", 0, "volumeMounts"],
		"container": "setup",
	}} with input as {"object": obj}
}
