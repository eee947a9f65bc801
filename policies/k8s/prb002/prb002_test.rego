package k8s.prb002_test

import data.k8s.prb002

_liveness := {"httpGet": {"path": "/health", "port": 8080}}

_readiness := {"httpGet": {"path": "/ready", "port": 8080}}

_deployment(pod_spec) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": pod_spec}},
}

test_allow_probed_container if {
	count(prb002.deny) == 0 with input as {"object": _deployment({"containers": [{"name": "api", "readinessProbe": _readiness, "livenessProbe": _liveness}]})}
}

test_allow_plain_init_container_without_probe if {
	count(prb002.deny) == 0 with input as {"object": _deployment({
		"initContainers": [{"name": "migrate"}],
		"containers": [{"name": "api", "readinessProbe": _readiness}],
	})}
}

test_allow_job_without_probes if {
	job := {"kind": "Job", "metadata": {"name": "once"}, "spec": {"template": {"spec": {"containers": [{"name": "job"}]}}}}
	count(prb002.deny) == 0 with input as {"object": job}
}

test_allow_cronjob_without_probes if {
	cronjob := {
		"kind": "CronJob",
		"metadata": {"name": "nightly"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {
			"initContainers": [{"name": "proxy", "restartPolicy": "Always"}],
			"containers": [{"name": "job"}],
		}}}}},
	}
	count(prb002.deny) == 0 with input as {"object": cronjob}
}

test_allow_one_shot_pod_and_helm_test_hook_without_probes if {
	once := {"kind": "Pod", "metadata": {"name": "once"}, "spec": {"restartPolicy": "Never", "containers": [{"name": "task"}]}}
	count(prb002.deny) == 0 with input as {"object": once}
	hook := {"kind": "Pod", "metadata": {"name": "chart-test", "annotations": {"helm.sh/hook": "test"}}, "spec": {"containers": [{"name": "wget"}]}}
	count(prb002.deny) == 0 with input as {"object": hook}
}

test_allow_ephemeral_container_without_probe if {
	pod := {"kind": "Pod", "metadata": {"name": "api"}, "spec": {
		"containers": [{"name": "api", "readinessProbe": _readiness}],
		"ephemeralContainers": [{"name": "debug"}],
	}}
	count(prb002.deny) == 0 with input as {"object": pod}
}

test_deny_missing_liveness_probe if {
	prb002.deny == {{
		"msg": "container \"api\" has no readinessProbe: add readinessProbe with httpGet path /ready on the container's port",
		"path": ["spec", "template", "spec", "containers", 0, "readinessProbe"],
		"container": "api",
	}} with input as {"object": _deployment({"containers": [{"name": "api", "livenessProbe": _liveness}]})}
}

test_deny_null_probe if {
	count(prb002.deny) == 1 with input as {"object": _deployment({"containers": [{"name": "api", "readinessProbe": null}]})}
}

test_deny_sidecar_init_container if {
	prb002.deny == {{
		"msg": "container \"proxy\" has no readinessProbe: add readinessProbe with httpGet path /ready on the container's port",
		"path": ["spec", "template", "spec", "initContainers", 1, "readinessProbe"],
		"container": "proxy",
	}} with input as {"object": _deployment({
		"initContainers": [{"name": "migrate"}, {"name": "proxy", "restartPolicy": "Always"}],
		"containers": [{"name": "api", "readinessProbe": _readiness}],
	})}
}

test_deny_pod if {
	prb002.deny == {{
		"msg": "container \"api\" has no readinessProbe: add readinessProbe with httpGet path /ready on the container's port",
		"path": ["spec", "containers", 0, "readinessProbe"],
		"container": "api",
	}} with input as {"object": {"kind": "Pod", "metadata": {"name": "api"}, "spec": {"containers": [{"name": "api"}]}}}
}
