package k8s.net003_test

import data.k8s.net003

_deployment(ports) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": {"containers": [{"name": "api", "image": "api:v1.0.0", "ports": ports}]}}},
}

_service(ports) := {
	"apiVersion": "v1",
	"kind": "Service",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"selector": {"app": "api"}, "ports": ports},
}

test_allow_named_container_ports if {
	ports := [{"containerPort": 8080, "name": "http"}, {"containerPort": 9090, "name": "metrics"}]
	count(net003.deny) == 0 with input as {"object": _deployment(ports)}
}

test_allow_container_without_ports if {
	obj := {"kind": "Pod", "metadata": {"name": "job"}, "spec": {"containers": [{"name": "job"}]}}
	count(net003.deny) == 0 with input as {"object": obj}
}

test_allow_named_service_ports if {
	ports := [{"name": "http", "port": 80, "targetPort": 8080}, {"name": "metrics", "port": 9090}]
	count(net003.deny) == 0 with input as {"object": _service(ports)}
}

test_deny_unnamed_container_port if {
	ports := [{"containerPort": 8080, "name": "http"}, {"containerPort": 9090}]
	net003.deny == {{
		"msg": "port 9090 of container \"api\" has no name: name it after what it serves, for example name: http or name: metrics",
		"path": ["spec", "template", "spec", "containers", 0, "ports", 1, "name"],
		"container": "api",
	}} with input as {"object": _deployment(ports)}
}

test_deny_empty_name if {
	count(net003.deny) == 1 with input as {"object": _deployment([{"containerPort": 8080, "name": ""}])}
}

test_deny_unnamed_service_port if {
	net003.deny == {{
		"msg": "port 80 of Service \"api\" has no name: name it after what it serves, for example name: http or name: metrics",
		"path": ["spec", "ports", 0, "name"],
	}} with input as {"object": _service([{"port": 80, "targetPort": 8080}])}
}

test_deny_unnamed_container_named_by_index if {
	pod := {"kind": "Pod", "metadata": {"name": "api"}, "spec": {"containers": [{"ports": [{"containerPort": 8080}]}]}}
	net003.deny == {{
		"msg": "port 8080 of containers[0] has no name: name it after what it serves, for example name: http or name: metrics",
		"path": ["spec", "containers", 0, "ports", 0, "name"],
		"container": "",
	}} with input as {"object": pod}
}
