package k8s.sec009_test

import data.k8s.sec009

_deployment(pod) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": object.union({"containers": [{"name": "api", "image": "api:v1.0.0"}]}, pod)}},
}

test_allow_dedicated_account if {
	count(sec009.deny) == 0 with input as {"object": _deployment({"serviceAccountName": "api"})}
}

test_allow_deprecated_service_account if {
	count(sec009.deny) == 0 with input as {"object": _deployment({"serviceAccount": "api"})}
}

test_allow_service_account_name_wins if {
	count(sec009.deny) == 0 with input as {"object": _deployment({"serviceAccountName": "api", "serviceAccount": "default"})}
}

test_allow_not_a_workload if {
	count(sec009.deny) == 0 with input as {"object": {"kind": "ServiceAccount", "metadata": {"name": "default"}}}
}

test_deny_unset if {
	sec009.deny == {{
		"msg": "pod sets no serviceAccountName and runs as the namespace's default service account: set serviceAccountName to a dedicated ServiceAccount",
		"path": ["spec", "template", "spec", "serviceAccountName"],
	}} with input as {"object": _deployment({})}
}

test_deny_empty if {
	count(sec009.deny) == 1 with input as {"object": _deployment({"serviceAccountName": ""})}
}

test_deny_default if {
	sec009.deny == {{
		"msg": "pod sets serviceAccountName: default, the namespace's shared service account: set serviceAccountName to a dedicated ServiceAccount",
		"path": ["spec", "template", "spec", "serviceAccountName"],
	}} with input as {"object": _deployment({"serviceAccountName": "default"})}
}

test_deny_deprecated_default if {
	sec009.deny == {{
		"msg": "pod sets serviceAccount: default, the namespace's shared service account: set serviceAccountName to a dedicated ServiceAccount",
		"path": ["spec", "template", "spec", "serviceAccount"],
	}} with input as {"object": _deployment({"serviceAccount": "default"})}
}

test_deny_cronjob if {
	obj := {
		"kind": "CronJob",
		"metadata": {"name": "nightly"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "job"}]}}}}},
	}
	sec009.deny == {{
		"msg": "pod sets no serviceAccountName and runs as the namespace's default service account: set serviceAccountName to a dedicated ServiceAccount",
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "serviceAccountName"],
	}} with input as {"object": obj}
}
