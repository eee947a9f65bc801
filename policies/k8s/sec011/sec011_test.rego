package k8s.sec011_test

import data.k8s.sec011

_deployment(mounts) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": {
		"containers": [{"name": "api", "image": "api:v1.0.0", "volumeMounts": mounts}],
		"volumes": [
			{"name": "tmp", "emptyDir": {}},
			{"name": "config", "configMap": {"name": "api-config"}},
			{"name": "certs", "secret": {"secretName": "api-tls"}},
			{"name": "bundle", "projected": {"sources": [{"secret": {"name": "api-db"}}, {"configMap": {"name": "api-ca"}}]}},
			{"name": "token", "projected": {"sources": [{"serviceAccountToken": {"path": "token", "audience": "vault"}}]}},
			{"name": "data", "persistentVolumeClaim": {"claimName": "api-data"}},
		],
	}}},
}

_mounts := ["spec", "template", "spec", "containers", 0, "volumeMounts"]

test_allow_read_only_mounts if {
	mounts := [
		{"name": "config", "mountPath": "/etc/config", "readOnly": true},
		{"name": "certs", "mountPath": "/etc/tls", "readOnly": true},
		{"name": "bundle", "mountPath": "/etc/bundle", "readOnly": true},
	]
	count(sec011.deny) == 0 with input as {"object": _deployment(mounts)}
}

test_allow_other_volumes_writable if {
	mounts := [
		{"name": "tmp", "mountPath": "/tmp"},
		{"name": "data", "mountPath": "/data"},
		{"name": "token", "mountPath": "/var/run/secrets/vault"},
	]
	count(sec011.deny) == 0 with input as {"object": _deployment(mounts)}
}

test_deny_config_map_mount if {
	sec011.deny == {{
		"msg": "container \"api\" mounts configMap volume \"config\" at \"/etc/config\" without readOnly: true: add readOnly: true to the volumeMount",
		"path": array.concat(_mounts, [1, "readOnly"]),
		"container": "api",
	}} with input as {"object": _deployment([{"name": "tmp", "mountPath": "/tmp"}, {"name": "config", "mountPath": "/etc/config"}])}
}

test_deny_secret_mount_read_only_false if {
	sec011.deny == {{
		"msg": "container \"api\" mounts secret volume \"certs\" at \"/etc/tls\" without readOnly: true: add readOnly: true to the volumeMount",
		"path": array.concat(_mounts, [0, "readOnly"]),
		"container": "api",
	}} with input as {"object": _deployment([{"name": "certs", "mountPath": "/etc/tls", "readOnly": false}])}
}

test_deny_projected_mount if {
	sec011.deny == {{
		"msg": "container \"api\" mounts projected volume \"bundle\" at \"/etc/bundle\" without readOnly: true: add readOnly: true to the volumeMount",
		"path": array.concat(_mounts, [0, "readOnly"]),
		"container": "api",
	}} with input as {"object": _deployment([{"name": "bundle", "mountPath": "/etc/bundle"}])}
}

test_deny_init_container_in_cronjob if {
	obj := {
		"kind": "CronJob",
		"metadata": {"name": "nightly"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {
			"initContainers": [{"name": "setup", "volumeMounts": [{"name": "creds", "mountPath": "/creds"}]}],
			"containers": [{"name": "job", "volumeMounts": [{"name": "creds", "mountPath": "/creds", "readOnly": true}]}],
			"volumes": [{"name": "creds", "secret": {"secretName": "job-creds"}}],
		}}}}},
	}
	sec011.deny == {{
		"msg": "container \"setup\" mounts secret volume \"creds\" at \"/creds\" without readOnly: true: add readOnly: true to the volumeMount",
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "initContainers", 0, "volumeMounts", 0, "readOnly"],
		"container": "setup",
	}} with input as {"object": obj}
}
