package k8s.sec001_test

import data.k8s.sec001

_deployment(pod_security, container_security) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": {
		"securityContext": pod_security,
		"containers": [{"name": "api", "image": "api:v1.0.0", "securityContext": container_security}],
	}}},
}

test_allow_pod_level_applies_to_every_container if {
	count(sec001.deny) == 0 with input as {"object": _deployment({"runAsNonRoot": true}, {})}
}

test_allow_container_level if {
	count(sec001.deny) == 0 with input as {"object": _deployment({}, {"runAsNonRoot": true})}
}

test_deny_unset if {
	sec001.deny == {{
		"msg": "container \"api\" may run as root: set runAsNonRoot: true on the pod or container securityContext",
		"path": ["spec", "template", "spec", "containers", 0, "securityContext", "runAsNonRoot"],
		"container": "api",
	}} with input as {"object": _deployment({}, {})}
}

test_deny_container_overrides_pod if {
	count(sec001.deny) == 1 with input as {"object": _deployment({"runAsNonRoot": true}, {"runAsNonRoot": false})}
}

test_deny_init_container_in_cronjob if {
	obj := {
		"kind": "CronJob",
		"metadata": {"name": "nightly"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {
			"initContainers": [{"name": "setup"}],
			"containers": [{"name": "job", "securityContext": {"runAsNonRoot": true}}],
		}}}}},
	}
	sec001.deny == {{
		"msg": "container \"setup\" may run as root: set runAsNonRoot: true on the pod or container securityContext",
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "initContainers", 0, "securityContext", "runAsNonRoot"],
		"container": "setup",
	}} with input as {"object": obj}
}

# A container without a name is named by its place in the pod spec.
test_deny_unnamed_containers_by_index if {
	pod := {"kind": "Pod", "metadata": {"name": "api"}, "spec": {
		"initContainers": [{"name": "setup", "securityContext": {"runAsNonRoot": true}}, {"image": "busybox:1.36.1"}],
		"containers": [{"image": "app:v1.0.0", "name": ""}],
	}}
	sec001.deny == {
		{
			"msg": "initContainers[1] may run as root: set runAsNonRoot: true on the pod or container securityContext",
			"path": ["spec", "initContainers", 1, "securityContext", "runAsNonRoot"],
			"container": "",
		},
		{
			"msg": "containers[0] may run as root: set runAsNonRoot: true on the pod or container securityContext",
			"path": ["spec", "containers", 0, "securityContext", "runAsNonRoot"],
			"container": "",
		},
	} with input as {"object": pod}
}

# OpenShift's DeploymentConfig is a workload: its pod template is at spec.template.
test_deny_openshift_deployment_config if {
	dc := {"apiVersion": "apps.openshift.io/v1", "kind": "DeploymentConfig", "metadata": {"name": "api", "namespace": "shop"}, "spec": {"template": {"spec": {"containers": [{"name": "api", "image": "api:v1.0.0"}]}}}}
	sec001.deny == {{
		"msg": "container \"api\" may run as root: set runAsNonRoot: true on the pod or container securityContext",
		"path": ["spec", "template", "spec", "containers", 0, "securityContext", "runAsNonRoot"],
		"container": "api",
	}} with input as {"object": dc}
}

# A kind the configuration names as a workload (.slotcheck.yaml workloads)
# is judged at its configured pod template.
_rollout(container_security) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Rollout",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": {"containers": [{"name": "api", "securityContext": container_security}]}}},
}

_workloads := {"workloads": {"Rollout": {"argoproj.io/v1alpha1": ["spec", "template"]}}}

test_allow_configured_workload if {
	count(sec001.deny) == 0 with input as {"object": _rollout({"runAsNonRoot": true}), "config": _workloads}
}

test_allow_unconfigured_kind if {
	count(sec001.deny) == 0 with input as {"object": _rollout({})}
}

test_deny_configured_workload if {
	sec001.deny == {{
		"msg": "container \"api\" may run as root: set runAsNonRoot: true on the pod or container securityContext",
		"path": ["spec", "template", "spec", "containers", 0, "securityContext", "runAsNonRoot"],
		"container": "api",
	}} with input as {"object": _rollout({}), "config": _workloads}
}
