package k8s.net002_test

import data.k8s.net002

_policy(spec) := {
	"apiVersion": "networking.k8s.io/v1",
	"kind": "NetworkPolicy",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": object.union({"podSelector": {"matchLabels": {"app": "api"}}, "policyTypes": ["Ingress", "Egress"]}, spec),
}

test_allow_named_sources if {
	np := _policy({"ingress": [{
		"from": [{"namespaceSelector": {"matchLabels": {"name": "ingress-nginx"}}}],
		"ports": [{"protocol": "TCP", "port": 8080}],
	}]})
	count(net002.deny) == 0 with input as {"object": np}
}

test_allow_no_ingress_rules if {
	count(net002.deny) == 0 with input as {"object": _policy({})}
}

test_allow_empty_ingress_list if {
	count(net002.deny) == 0 with input as {"object": _policy({"ingress": []})}
}

test_allow_same_namespace_pods if {
	np := _policy({"ingress": [{"from": [{"podSelector": {}}]}]})
	count(net002.deny) == 0 with input as {"object": np}
}

test_allow_other_kinds if {
	obj := {"kind": "Service", "metadata": {"name": "api"}, "spec": {"ingress": [{}]}}
	count(net002.deny) == 0 with input as {"object": obj}
}

test_deny_missing_from if {
	np := _policy({"ingress": [
		{"from": [{"podSelector": {"matchLabels": {"app": "web"}}}]},
		{"ports": [{"protocol": "TCP", "port": 9090}]},
	]})
	net002.deny == {{
		"msg": "NetworkPolicy \"api\" ingress rule 1 has no from, so it admits traffic from every source: list the allowed peers under from (podSelector, namespaceSelector or ipBlock)",
		"path": ["spec", "ingress", 1, "from"],
	}} with input as {"object": np}
}

test_deny_empty_from_and_empty_rule if {
	np := _policy({"ingress": [{"from": []}, {}]})
	net002.deny == {
		{
			"msg": "NetworkPolicy \"api\" ingress rule 0 has no from, so it admits traffic from every source: list the allowed peers under from (podSelector, namespaceSelector or ipBlock)",
			"path": ["spec", "ingress", 0, "from"],
		},
		{
			"msg": "NetworkPolicy \"api\" ingress rule 1 has no from, so it admits traffic from every source: list the allowed peers under from (podSelector, namespaceSelector or ipBlock)",
			"path": ["spec", "ingress", 1, "from"],
		},
	} with input as {"object": np}
}

test_deny_null_from if {
	np := _policy({"ingress": [{"from": null}]})
	count(net002.deny) == 1 with input as {"object": np}
}
