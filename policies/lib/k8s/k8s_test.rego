package lib.k8s_test

import data.lib.k8s

_config := {"workloads": {"Rollout": {"argoproj.io/v1alpha1": ["spec", "template"]}}}

_rollout := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Rollout",
	"metadata": {"name": "api", "annotations": {"slotcheck.slotwise.com/exempt-SEC006": "vendor image"}},
	"spec": {"template": {
		"metadata": {"labels": {"app": "api"}, "annotations": {"slotcheck.slotwise.com/exempt-SEC001": "legacy"}},
		"spec": {"containers": [{"name": "api"}]},
	}},
}

test_configured_kind_is_a_workload if {
	k8s.is_workload with input as {"object": _rollout, "config": _config}
	k8s.pod_spec_path == ["spec", "template", "spec"] with input as {"object": _rollout, "config": _config}
	k8s.pod_metadata_path == ["spec", "template", "metadata"] with input as {"object": _rollout, "config": _config}
	k8s.pod_labels == {"app": "api"} with input as {"object": _rollout, "config": _config}
	k8s.labels_paths == {
		"metadata": ["metadata", "labels"],
		"pod template": ["spec", "template", "metadata", "labels"],
	} with input as {"object": _rollout, "config": _config}
	k8s.containers == {{
		"container": {"name": "api"},
		"path": ["spec", "template", "spec", "containers", 0],
		"type": "containers",
		"name": "api",
	}} with input as {"object": _rollout, "config": _config}
}

test_configured_kind_reads_its_exemptions if {
	k8s.exemptions == {
		{"id": "SEC006", "reason": "vendor image"},
		{"id": "SEC001", "reason": "legacy"},
	} with input as {"object": _rollout, "config": _config}
}

# The configuration names a kind by apiVersion and kind: another version,
# or no configuration, runs no pods.
test_unconfigured_kind_is_no_workload if {
	not k8s.is_workload with input as {"object": _rollout}
	not k8s.is_workload with input as {"object": object.union(_rollout, {"apiVersion": "argoproj.io/v1"}), "config": _config}
	not k8s.labels_paths with input as {"object": _rollout, "config": {"imageTags": {"immutable": ["^v1$"]}}}
	count(k8s.containers) == 0 with input as {"object": _rollout}
}

# A built-in kind keeps its own pod template whatever a configuration says.
test_builtin_kind_wins if {
	deployment := object.union(_rollout, {"apiVersion": "apps/v1", "kind": "Deployment"})
	config := {"workloads": {"Deployment": {"apps/v1": ["spec", "other"]}}}
	k8s.pod_spec_path == ["spec", "template", "spec"] with input as {"object": deployment, "config": config}
}

# A template path that is not an array (no configuration slotcheck writes)
# makes no workload rather than an error.
test_malformed_configured_path if {
	not k8s.is_workload with input as {"object": _rollout, "config": {"workloads": {"Rollout": {"argoproj.io/v1alpha1": "spec.template"}}}}
}

# A deeper template path, as a company's own kind may keep it.
test_configured_nested_path if {
	obj := {
		"apiVersion": "platform.example.com/v1",
		"kind": "WebApp",
		"spec": {"workload": {"template": {"spec": {"containers": [{"name": "web"}]}}}},
	}
	config := {"workloads": {"WebApp": {"platform.example.com/v1": ["spec", "workload", "template"]}}}
	k8s.pod_spec_path == ["spec", "workload", "template", "spec"] with input as {"object": obj, "config": config}
	count(k8s.containers) == 1 with input as {"object": obj, "config": config}
}
