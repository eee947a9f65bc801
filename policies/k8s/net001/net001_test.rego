package k8s.net001_test

import data.k8s.net001

_labels := {"app": "api", "tier": "backend"}

_deployment := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {
		"metadata": {"labels": _labels},
		"spec": {"containers": [{"name": "api", "image": "api:v1.0.0"}]},
	}},
}

_policy(name, namespace, spec) := {
	"apiVersion": "networking.k8s.io/v1",
	"kind": "NetworkPolicy",
	"metadata": {"name": name, "namespace": namespace},
	"spec": spec,
}

_both := ["Ingress", "Egress"]

_input(policies) := {"object": _deployment, "inventory": {"NetworkPolicy": policies}}

_labels_path := ["spec", "template", "metadata", "labels"]

test_allow_covering_policy if {
	np := _policy("api", "shop", {"podSelector": {"matchLabels": {"app": "api"}}, "policyTypes": _both})
	count(net001.deny) == 0 with input as _input([np])
}

test_allow_empty_pod_selector_selects_all if {
	np := _policy("default-deny", "shop", {"podSelector": {}, "policyTypes": _both})
	count(net001.deny) == 0 with input as _input([np])
}

test_allow_match_expressions_in_notin_exists if {
	np := _policy("api", "shop", {
		"podSelector": {"matchExpressions": [
			{"key": "app", "operator": "In", "values": ["api", "web"]},
			{"key": "tier", "operator": "NotIn", "values": ["frontend"]},
			{"key": "tier", "operator": "Exists"},
		]},
		"policyTypes": _both,
	})
	count(net001.deny) == 0 with input as _input([np])
}

test_allow_policy_types_default_with_egress_rules if {
	np := _policy("api", "shop", {
		"podSelector": {"matchLabels": {"app": "api"}},
		"ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "web"}}}]}],
		"egress": [{"to": [{"podSelector": {"matchLabels": {"app": "db"}}}]}],
	})
	count(net001.deny) == 0 with input as _input([np])
}

test_allow_separate_ingress_and_egress_policies if {
	policies := [
		_policy("deny-ingress", "shop", {"podSelector": {}, "policyTypes": ["Ingress"]}),
		_policy("deny-egress", "shop", {"podSelector": {}, "policyTypes": ["Egress"]}),
	]
	count(net001.deny) == 0 with input as _input(policies)
}

test_allow_owned_pod if {
	pod := {
		"kind": "Pod",
		"metadata": {"name": "api-7d9f", "namespace": "shop", "ownerReferences": [{"kind": "ReplicaSet", "name": "api-7d9"}]},
		"spec": {"containers": [{"name": "api"}]},
	}
	count(net001.deny) == 0 with input as {"object": pod}
}

test_allow_not_a_workload if {
	svc := {"kind": "Service", "metadata": {"name": "api", "namespace": "shop"}, "spec": {}}
	count(net001.deny) == 0 with input as {"object": svc}
}

test_deny_no_inventory if {
	net001.deny == {{
		"msg": "no NetworkPolicy in the namespace of Deployment \"api\" selects its pods (labels {\"app\": \"api\", \"tier\": \"backend\"}): add one whose podSelector matches them, with policyTypes: [Ingress, Egress]",
		"path": _labels_path,
	}} with input as {"object": _deployment}
}

test_deny_policy_in_other_namespace if {
	np := _policy("api", "other", {"podSelector": {}, "policyTypes": _both})
	count(net001.deny) == 1 with input as _input([np])
}

test_deny_selector_not_matching if {
	np := _policy("web", "shop", {"podSelector": {"matchLabels": {"app": "web"}}, "policyTypes": _both})
	count(net001.deny) == 1 with input as _input([np])
}

test_deny_match_expression_not_in if {
	np := _policy("api", "shop", {
		"podSelector": {"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["backend"]}]},
		"policyTypes": _both,
	})
	count(net001.deny) == 1 with input as _input([np])
}

test_deny_match_expression_exists_missing_label if {
	np := _policy("api", "shop", {
		"podSelector": {"matchExpressions": [{"key": "team", "operator": "Exists"}]},
		"policyTypes": _both,
	})
	count(net001.deny) == 1 with input as _input([np])
}

test_deny_policy_types_default_to_ingress if {
	np := _policy("api", "shop", {
		"podSelector": {"matchLabels": {"app": "api"}},
		"ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "web"}}}]}],
	})
	net001.deny == {{
		"msg": "the NetworkPolicies selecting the pods of Deployment \"api\" (api) leave Egress traffic unrestricted: add Egress to the policyTypes of one of them, with its rules",
		"path": _labels_path,
	}} with input as _input([np])
}

test_deny_empty_policy_types_and_egress_default_to_ingress if {
	np := _policy("api", "shop", {"podSelector": {}, "policyTypes": [], "egress": []})
	count(net001.deny) == 1 with input as _input([np])
}

test_deny_egress_only if {
	np := _policy("api", "shop", {"podSelector": {}, "policyTypes": ["Egress"]})
	net001.deny == {{
		"msg": "the NetworkPolicies selecting the pods of Deployment \"api\" (api) leave Ingress traffic unrestricted: add Ingress to the policyTypes of one of them, with its rules",
		"path": _labels_path,
	}} with input as _input([np])
}

test_deny_standalone_pod if {
	pod := {"kind": "Pod", "metadata": {"name": "debug", "namespace": "shop", "labels": {"app": "debug"}}, "spec": {"containers": [{"name": "sh"}]}}
	net001.deny == {{
		"msg": "no NetworkPolicy in the namespace of Pod \"debug\" selects its pods (labels {\"app\": \"debug\"}): add one whose podSelector matches them, with policyTypes: [Ingress, Egress]",
		"path": ["metadata", "labels"],
	}} with input as {"object": pod, "inventory": {"NetworkPolicy": []}}
}

test_deny_cronjob_path if {
	job := {
		"kind": "CronJob",
		"metadata": {"name": "nightly", "namespace": "shop"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "job"}]}}}}},
	}
	net001.deny == {{
		"msg": "no NetworkPolicy in the namespace of CronJob \"nightly\" selects its pods (labels {}): add one whose podSelector matches them, with policyTypes: [Ingress, Egress]",
		"path": ["spec", "jobTemplate", "spec", "template", "metadata", "labels"],
	}} with input as {"object": job}
}

# A kind the configuration names as a workload needs its NetworkPolicy too.
_rollout := object.union(_deployment, {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout"})

_workloads := {"workloads": {"Rollout": {"argoproj.io/v1alpha1": ["spec", "template"]}}}

test_allow_configured_workload_covered if {
	np := _policy("api", "shop", {"podSelector": {"matchLabels": {"app": "api"}}, "policyTypes": _both})
	count(net001.deny) == 0 with input as {"object": _rollout, "inventory": {"NetworkPolicy": [np]}, "config": _workloads}
}

test_deny_configured_workload_uncovered if {
	net001.deny == {{
		"msg": "no NetworkPolicy in the namespace of Rollout \"api\" selects its pods (labels {\"app\": \"api\", \"tier\": \"backend\"}): add one whose podSelector matches them, with policyTypes: [Ingress, Egress]",
		"path": _labels_path,
	}} with input as {"object": _rollout, "inventory": {"NetworkPolicy": []}, "config": _workloads}
}
