package k8s.sec008_test

import data.k8s.sec008

_deployment(pod) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": object.union(
		{"containers": [{"name": "api", "image": "api:v1.0.0", "ports": [{"containerPort": 8080, "name": "http"}]}]},
		pod,
	)}},
}

_pod := ["spec", "template", "spec"]

test_allow_plain_pod if {
	count(sec008.deny) == 0 with input as {"object": _deployment({})}
}

test_allow_explicit_false_and_zero_host_port if {
	pod := {
		"hostNetwork": false,
		"hostPID": false,
		"hostIPC": false,
		"containers": [{
			"name": "api",
			"securityContext": {"privileged": false},
			"ports": [{"containerPort": 8080, "hostPort": 0}],
		}],
		"volumes": [{"name": "tmp", "emptyDir": {}}],
	}
	count(sec008.deny) == 0 with input as {"object": _deployment(pod)}
}

test_allow_not_a_workload if {
	count(sec008.deny) == 0 with input as {"object": {"kind": "Service", "metadata": {"name": "api"}, "spec": {"ports": [{"port": 80}]}}}
}

test_deny_privileged if {
	pod := {"containers": [{"name": "api", "securityContext": {"privileged": true}}]}
	sec008.deny == {{
		"msg": "container \"api\" runs privileged with full access to the node: remove privileged: true (set privileged: false)",
		"path": array.concat(_pod, ["containers", 0, "securityContext", "privileged"]),
		"container": "api",
	}} with input as {"object": _deployment(pod)}
}

test_deny_host_network if {
	sec008.deny == {{
		"msg": "pod sets hostNetwork: true and shares the node's namespace: remove hostNetwork",
		"path": array.concat(_pod, ["hostNetwork"]),
	}} with input as {"object": _deployment({"hostNetwork": true})}
}

test_deny_host_pid if {
	sec008.deny == {{
		"msg": "pod sets hostPID: true and shares the node's namespace: remove hostPID",
		"path": array.concat(_pod, ["hostPID"]),
	}} with input as {"object": _deployment({"hostPID": true})}
}

test_deny_host_ipc if {
	sec008.deny == {{
		"msg": "pod sets hostIPC: true and shares the node's namespace: remove hostIPC",
		"path": array.concat(_pod, ["hostIPC"]),
	}} with input as {"object": _deployment({"hostIPC": true})}
}

test_deny_host_path_volume if {
	pod := {"volumes": [
		{"name": "tmp", "emptyDir": {}},
		{"name": "docker", "hostPath": {"path": "/var/run/docker.sock", "type": "Socket"}},
	]}
	sec008.deny == {{
		"msg": "volume \"docker\" mounts the node's path \"/var/run/docker.sock\" (hostPath): use an emptyDir, configMap, secret or persistentVolumeClaim volume instead",
		"path": array.concat(_pod, ["volumes", 1, "hostPath"]),
	}} with input as {"object": _deployment(pod)}
}

test_deny_host_port if {
	pod := {"containers": [{"name": "api", "ports": [
		{"containerPort": 8080, "name": "http"},
		{"containerPort": 9090, "hostPort": 9090, "name": "metrics"},
	]}]}
	sec008.deny == {{
		"msg": "container \"api\" binds host port 9090: remove hostPort and expose containerPort 9090 through a Service",
		"path": array.concat(_pod, ["containers", 0, "ports", 1, "hostPort"]),
		"container": "api",
	}} with input as {"object": _deployment(pod)}
}

test_deny_one_violation_per_field if {
	pod := {
		"hostNetwork": true,
		"hostPID": true,
		"hostIPC": true,
		"containers": [{"name": "api", "securityContext": {"privileged": true}, "ports": [{"containerPort": 80, "hostPort": 80}]}],
		"volumes": [{"name": "root", "hostPath": {"path": "/"}}],
	}
	count(sec008.deny) == 6 with input as {"object": _deployment(pod)}
}

test_deny_privileged_init_container_in_cronjob if {
	obj := {
		"kind": "CronJob",
		"metadata": {"name": "nightly"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {
			"initContainers": [{"name": "sysctl", "securityContext": {"privileged": true}}],
			"containers": [{"name": "job"}],
		}}}}},
	}
	sec008.deny == {{
		"msg": "container \"sysctl\" runs privileged with full access to the node: remove privileged: true (set privileged: false)",
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "initContainers", 0, "securityContext", "privileged"],
		"container": "sysctl",
	}} with input as {"object": obj}
}

test_deny_bare_pod_host_network if {
	obj := {"kind": "Pod", "metadata": {"name": "p"}, "spec": {"hostNetwork": true, "containers": [{"name": "c"}]}}
	sec008.deny == {{
		"msg": "pod sets hostNetwork: true and shares the node's namespace: remove hostNetwork",
		"path": ["spec", "hostNetwork"],
	}} with input as {"object": obj}
}
