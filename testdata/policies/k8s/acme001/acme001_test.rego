package k8s.acme001_test

import data.k8s.acme001

_deployment(labels) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "billing", "labels": labels},
	"spec": {"template": {"spec": {"containers": [{"name": "billing"}]}}},
}

test_allow_team_label if {
	count(acme001.deny) == 0 with input as {"object": _deployment({"team": "payments"})}
}

test_allow_objects_without_pods if {
	count(acme001.deny) == 0 with input as {"object": {"kind": "ConfigMap", "metadata": {"name": "c"}}}
}

test_deny_missing_team if {
	count(acme001.deny) == 1 with input as {"object": _deployment({"app": "billing"})}
}
