package k8s.prb003_test

import data.k8s.prb003

_deployment(container) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": {"containers": [container]}}},
}

_probes(liveness, readiness) := _deployment({
	"name": "api",
	"ports": [{"name": "http", "containerPort": 8080}],
	"livenessProbe": liveness,
	"readinessProbe": readiness,
})

test_allow_standard_endpoints if {
	count(prb003.deny) == 0 with input as {"object": _probes(
		{"httpGet": {"path": "/health", "port": 8080}},
		{"httpGet": {"path": "/ready", "port": "http"}},
	)}
}

test_allow_non_http_probes if {
	count(prb003.deny) == 0 with input as {"object": _probes(
		{"tcpSocket": {"port": 8080}},
		{"exec": {"command": ["/main", "ready"]}},
	)}
}

test_allow_job_probes_not_checked if {
	job := {"kind": "Job", "metadata": {"name": "once"}, "spec": {"template": {"spec": {"containers": [{
		"name": "job",
		"livenessProbe": {"httpGet": {"path": "/", "port": 8080}},
	}]}}}}
	count(prb003.deny) == 0 with input as {"object": job}
}

test_deny_same_endpoint if {
	prb003.deny == {{
		"msg": "container \"api\" liveness and readiness probes both GET /health on port 8080: serve readiness on /ready and liveness on /health",
		"path": ["spec", "template", "spec", "containers", 0, "readinessProbe", "httpGet", "path"],
		"container": "api",
	}} with input as {"object": _probes(
		{"httpGet": {"path": "/health", "port": 8080}},
		{"httpGet": {"path": "/health", "port": 8080}},
	)}
}

test_deny_same_endpoint_through_named_port if {
	prb003.deny == {
		{
			"msg": "container \"api\" liveness and readiness probes both GET /healthz on port http: serve readiness on /ready and liveness on /health",
			"path": ["spec", "template", "spec", "containers", 0, "readinessProbe", "httpGet", "path"],
			"container": "api",
		},
		{
			"msg": "container \"api\" livenessProbe GETs /healthz: set livenessProbe.httpGet.path: /health",
			"path": ["spec", "template", "spec", "containers", 0, "livenessProbe", "httpGet", "path"],
			"container": "api",
		},
	} with input as {"object": _probes(
		{"httpGet": {"path": "/healthz", "port": 8080}},
		{"httpGet": {"path": "/healthz", "port": "http"}},
	)}
}

test_deny_wrong_readiness_path if {
	prb003.deny == {{
		"msg": "container \"api\" readinessProbe GETs /readyz: set readinessProbe.httpGet.path: /ready",
		"path": ["spec", "template", "spec", "containers", 0, "readinessProbe", "httpGet", "path"],
		"container": "api",
	}} with input as {"object": _probes(
		{"httpGet": {"path": "/health", "port": 8080}},
		{"httpGet": {"path": "/readyz", "port": 8080}},
	)}
}

test_deny_missing_path_defaults_to_root if {
	prb003.deny == {{
		"msg": "container \"api\" livenessProbe GETs /: set livenessProbe.httpGet.path: /health",
		"path": ["spec", "template", "spec", "containers", 0, "livenessProbe", "httpGet", "path"],
		"container": "api",
	}} with input as {"object": _probes(
		{"httpGet": {"port": 8080}},
		{"httpGet": {"path": "/ready", "port": 8080}},
	)}
}

test_deny_same_path_other_port_is_only_path_findings if {
	count(prb003.deny) == 1 with input as {"object": _probes(
		{"httpGet": {"path": "/health", "port": 8080}},
		{"httpGet": {"path": "/health", "port": 9090}},
	)}
}

test_deny_sidecar_init_container if {
	obj := {
		"kind": "Deployment",
		"metadata": {"name": "api"},
		"spec": {"template": {"spec": {
			"initContainers": [{
				"name": "proxy",
				"restartPolicy": "Always",
				"livenessProbe": {"httpGet": {"path": "/ready", "port": 15000}},
				"readinessProbe": {"httpGet": {"path": "/ready", "port": 15000}},
			}],
			"containers": [{"name": "api"}],
		}}},
	}
	prb003.deny == {
		{
			"msg": "container \"proxy\" liveness and readiness probes both GET /ready on port 15000: serve readiness on /ready and liveness on /health",
			"path": ["spec", "template", "spec", "initContainers", 0, "readinessProbe", "httpGet", "path"],
			"container": "proxy",
		},
		{
			"msg": "container \"proxy\" livenessProbe GETs /ready: set livenessProbe.httpGet.path: /health",
			"path": ["spec", "template", "spec", "initContainers", 0, "livenessProbe", "httpGet", "path"],
			"container": "proxy",
		},
	} with input as {"object": obj}
}
