package k8s.obs001_test

import data.k8s.obs001

_service(ports) := {
	"apiVersion": "v1",
	"kind": "Service",
	"metadata": {"name": "auth-service", "namespace": "slotwise", "labels": {"app": "auth-service"}},
	"spec": {"selector": {"app": "auth-service"}, "ports": ports},
}

_ports := [{"name": "http", "port": 80, "targetPort": 8080}, {"name": "metrics", "port": 9090, "targetPort": 9090}]

_monitor(namespace, spec) := {
	"apiVersion": "monitoring.coreos.com/v1",
	"kind": "ServiceMonitor",
	"metadata": {"name": "auth-service", "namespace": namespace},
	"spec": object.union({"endpoints": [{"port": "metrics", "interval": "30s", "path": "/metrics"}]}, spec),
}

_selector := {"matchLabels": {"app": "auth-service"}}

_input(monitors) := {"object": _service(_ports), "inventory": {"ServiceMonitor": monitors}}

test_allow_monitor_in_same_namespace if {
	count(obs001.deny) == 0 with input as _input([_monitor("slotwise", {"selector": _selector})])
}

test_allow_monitor_any_namespace if {
	monitor := _monitor("monitoring", {"selector": _selector, "namespaceSelector": {"any": true}})
	count(obs001.deny) == 0 with input as _input([monitor])
}

test_allow_monitor_match_names if {
	monitor := _monitor("monitoring", {"selector": _selector, "namespaceSelector": {"matchNames": ["shop", "slotwise"]}})
	count(obs001.deny) == 0 with input as _input([monitor])
}

test_allow_monitor_match_expressions if {
	selector := {"matchExpressions": [{"key": "app", "operator": "In", "values": ["auth-service", "api"]}]}
	count(obs001.deny) == 0 with input as _input([_monitor("slotwise", {"selector": selector})])
}

test_allow_service_without_metrics_port if {
	count(obs001.deny) == 0 with input as {"object": _service([{"name": "http", "port": 80}])}
}

test_deny_no_monitor if {
	obs001.deny == {{
		"msg": "Service \"auth-service\" exposes a metrics port but no ServiceMonitor selects it: add a ServiceMonitor whose selector matches its labels {\"app\": \"auth-service\"}, covering namespace \"slotwise\", with an endpoint on port metrics",
		"path": ["spec", "ports", 1, "name"],
	}} with input as {"object": _service(_ports)}
}

test_deny_monitor_in_other_namespace_without_namespace_selector if {
	count(obs001.deny) == 1 with input as _input([_monitor("monitoring", {"selector": _selector})])
}

test_deny_monitor_match_names_without_namespace if {
	monitor := _monitor("slotwise", {"selector": _selector, "namespaceSelector": {"matchNames": ["shop"]}})
	count(obs001.deny) == 1 with input as _input([monitor])
}

test_deny_selector_not_matching if {
	monitor := _monitor("slotwise", {"selector": {"matchLabels": {"app": "billing"}}})
	count(obs001.deny) == 1 with input as _input([monitor])
}
