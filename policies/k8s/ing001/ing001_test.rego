package k8s.ing001_test

import data.k8s.ing001

_ingress(tls, hosts) := {
	"apiVersion": "networking.k8s.io/v1",
	"kind": "Ingress",
	"metadata": {"name": "auth-service", "namespace": "slotwise"},
	"spec": {
		"tls": tls,
		"rules": [{"host": host, "http": {"paths": [{"path": "/", "pathType": "Prefix"}]}} | some host in hosts],
	},
}

test_allow_hosts_listed if {
	tls := [{"hosts": ["api.slotwise.com"], "secretName": "api-tls"}, {"hosts": ["www.slotwise.com"], "secretName": "www-tls"}]
	count(ing001.deny) == 0 with input as {"object": _ingress(tls, ["api.slotwise.com", "www.slotwise.com"])}
}

test_allow_wildcard_tls_host if {
	tls := [{"hosts": ["*.slotwise.com"], "secretName": "wildcard-tls"}]
	count(ing001.deny) == 0 with input as {"object": _ingress(tls, ["api.slotwise.com", "*.slotwise.com"])}
}

test_allow_rule_without_host if {
	obj := {"kind": "Ingress", "metadata": {"name": "default"}, "spec": {"rules": [{"http": {"paths": []}}]}}
	count(ing001.deny) == 0 with input as {"object": obj}
}

test_allow_other_kinds if {
	obj := {"kind": "Service", "metadata": {"name": "api"}, "spec": {"rules": [{"host": "api.slotwise.com"}]}}
	count(ing001.deny) == 0 with input as {"object": obj}
}

test_deny_host_not_in_tls if {
	tls := [{"hosts": ["api.slotwise.com"], "secretName": "api-tls"}]
	ing001.deny == {{
		"msg": "Ingress \"auth-service\" routes host \"admin.slotwise.com\" without TLS: add it to spec.tls[].hosts with the secretName of its certificate",
		"path": ["spec", "rules", 1, "host"],
	}} with input as {"object": _ingress(tls, ["api.slotwise.com", "admin.slotwise.com"])}
}

test_deny_no_tls if {
	obj := {"kind": "Ingress", "metadata": {"name": "web"}, "spec": {"rules": [{"host": "www.slotwise.com"}]}}
	count(ing001.deny) == 1 with input as {"object": obj}
}

test_deny_wildcard_covers_one_label_only if {
	tls := [{"hosts": ["*.slotwise.com"], "secretName": "wildcard-tls"}]
	count(ing001.deny) == 2 with input as {"object": _ingress(tls, ["v1.api.slotwise.com", "slotwise.com"])}
}
