package k8s.prb001_test

import data.k8s.prb001

_liveness := {"httpGet": {"path": "/health", "port": 8080}}

_readiness := {"httpGet": {"path": "/ready", "port": 8080}}

_deployment(pod_spec) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": pod_spec}},
}

test_allow_probed_container if {
	count(prb001.deny) == 0 with input as {"object": _deployment({"containers": [{"name": "api", "livenessProbe": _liveness, "readinessProbe": _readiness}]})}
}

test_allow_plain_init_container_without_probe if {
	count(prb001.deny) == 0 with input as {"object": _deployment({
		"initContainers": [{"name": "migrate"}],
		"containers": [{"name": "api", "livenessProbe": _liveness}],
	})}
}

test_allow_job_without_probes if {
	job := {"kind": "Job", "metadata": {"name": "once"}, "spec": {"template": {"spec": {"containers": [{"name": "job"}]}}}}
	count(prb001.deny) == 0 with input as {"object": job}
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
	count(prb001.deny) == 0 with input as {"object": cronjob}
}

# Pods that run once and exit (restartPolicy Never or OnFailure) and Helm
# test hooks serve nothing for a probe to watch.
test_allow_one_shot_pods_without_probes if {
	every policy in ["Never", "OnFailure"] {
		pod := {"kind": "Pod", "metadata": {"name": "once"}, "spec": {"restartPolicy": policy, "containers": [{"name": "task"}]}}
		count(prb001.deny) == 0 with input as {"object": pod}
	}
}

test_allow_helm_test_hook_without_probes if {
	every hook in ["test", "test-success", "pre-install, test"] {
		pod := {"kind": "Pod", "metadata": {"name": "chart-test-connection", "annotations": {"helm.sh/hook": hook}}, "spec": {"containers": [{"name": "wget"}]}}
		count(prb001.deny) == 0 with input as {"object": pod}
	}
}

test_allow_ephemeral_container_without_probe if {
	pod := {"kind": "Pod", "metadata": {"name": "api"}, "spec": {
		"containers": [{"name": "api", "livenessProbe": _liveness}],
		"ephemeralContainers": [{"name": "debug"}],
	}}
	count(prb001.deny) == 0 with input as {"object": pod}
}

test_deny_missing_liveness_probe if {
	prb001.deny == {{
		"msg": "container \"api\" has no livenessProbe: add livenessProbe with httpGet path /health on the container's port",
		"path": ["spec", "template", "spec", "containers", 0, "livenessProbe"],
		"container": "api",
	}} with input as {"object": _deployment({"containers": [{"name": "api", "readinessProbe": _readiness}]})}
}

test_deny_null_probe if {
	count(prb001.deny) == 1 with input as {"object": _deployment({"containers": [{"name": "api", "livenessProbe": null}]})}
}

test_deny_sidecar_init_container if {
	prb001.deny == {{
		"msg": "container \"proxy\" has no livenessProbe: add livenessProbe with httpGet path /health on the container's port",
		"path": ["spec", "template", "spec", "initContainers", 1, "livenessProbe"],
		"container": "proxy",
	}} with input as {"object": _deployment({
		"initContainers": [{"name": "migrate"}, {"name": "proxy", "restartPolicy": "Always"}],
		"containers": [{"name": "api", "livenessProbe": _liveness}],
	})}
}

test_deny_pod_that_restarts_and_other_hooks if {
	every meta in [{"name": "api", "annotations": {"helm.sh/hook": "pre-install"}}, {"name": "api", "annotations": {"helm.sh/hook": ["test"]}}] {
		pod := {"kind": "Pod", "metadata": meta, "spec": {"restartPolicy": "Always", "containers": [{"name": "api"}]}}
		count(prb001.deny) == 1 with input as {"object": pod}
	}
}

test_deny_pod if {
	prb001.deny == {{
		"msg": "container \"api\" has no livenessProbe: add livenessProbe with httpGet path /health on the container's port",
		"path": ["spec", "containers", 0, "livenessProbe"],
		"container": "api",
	}} with input as {"object": {"kind": "Pod", "metadata": {"name": "api"}, "spec": {"containers": [{"name": "api"}]}}}
}
