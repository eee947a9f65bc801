package k8s.meta001_test

import data.k8s.meta001

_labels := {"app": "auth-service", "version": "v1.2.3"}

_deployment(object_labels, selector, pod_labels) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "auth-service", "namespace": "slotwise", "labels": object_labels},
	"spec": {
		"selector": selector,
		"template": {
			"metadata": {"labels": pod_labels},
			"spec": {"containers": [{"name": "auth-service", "image": "slotwise/auth-service:v1.2.3"}]},
		},
	},
}

test_allow_standard_deployment if {
	count(meta001.deny) == 0 with input as {"object": _deployment(_labels, {"matchLabels": {"app": "auth-service"}}, _labels)}
}

test_allow_pod if {
	pod := {"kind": "Pod", "metadata": {"name": "api", "labels": _labels}, "spec": {"containers": [{"name": "api"}]}}
	count(meta001.deny) == 0 with input as {"object": pod}
}

test_allow_job_without_selector if {
	job := {
		"kind": "Job",
		"metadata": {"name": "migrate", "labels": _labels},
		"spec": {"template": {"metadata": {"labels": _labels}, "spec": {"containers": [{"name": "migrate"}]}}},
	}
	count(meta001.deny) == 0 with input as {"object": job}
}

test_allow_objects_without_pods if {
	count(meta001.deny) == 0 with input as {"object": {"kind": "ConfigMap", "metadata": {"name": "config"}}}
}

test_deny_missing_version_on_object if {
	meta001.deny == {{
		"msg": "Deployment \"auth-service\" has no version label on its metadata: add version: v1.2.3",
		"path": ["metadata", "labels", "version"],
	}} with input as {"object": _deployment({"app": "auth-service"}, {"matchLabels": {"app": "auth-service"}}, _labels)}
}

test_deny_missing_template_labels if {
	meta001.deny == {
		{
			"msg": "Deployment \"auth-service\" has no app label on its pod template: add app: auth-service",
			"path": ["spec", "template", "metadata", "labels", "app"],
		},
		{
			"msg": "Deployment \"auth-service\" has no version label on its pod template: add version: v1.2.3",
			"path": ["spec", "template", "metadata", "labels", "version"],
		},
	} with input as {"object": _deployment(_labels, {"matchLabels": {"app": "auth-service"}}, null)}
}

test_deny_selector_app_differs if {
	meta001.deny == {{
		"msg": "Deployment \"auth-service\" selector matchLabels.app is \"auth\", not the pod template's app label \"auth-service\": set spec.selector.matchLabels.app: auth-service",
		"path": ["spec", "selector", "matchLabels", "app"],
	}} with input as {"object": _deployment(_labels, {"matchLabels": {"app": "auth"}}, _labels)}
}

test_deny_selector_without_app if {
	meta001.deny == {{
		"msg": "Deployment \"auth-service\" selector matchLabels.app is missing, not the pod template's app label \"auth-service\": set spec.selector.matchLabels.app: auth-service",
		"path": ["spec", "selector", "matchLabels", "app"],
	}} with input as {"object": _deployment(_labels, {"matchLabels": {"tier": "backend"}}, _labels)}
}

test_deny_pod_reported_once if {
	pod := {"kind": "Pod", "metadata": {"name": "debug"}, "spec": {"containers": [{"name": "debug", "image": "busybox:latest"}]}}
	meta001.deny == {
		{
			"msg": "Pod \"debug\" has no app label on its metadata: add app: debug",
			"path": ["metadata", "labels", "app"],
		},
		{
			"msg": "Pod \"debug\" has no version label on its metadata: add version: <release version, e.g. v1.2.3>",
			"path": ["metadata", "labels", "version"],
		},
	} with input as {"object": pod}
}

test_deny_cronjob_template if {
	cronjob := {
		"kind": "CronJob",
		"metadata": {"name": "report", "labels": _labels},
		"spec": {"jobTemplate": {"spec": {"template": {
			"metadata": {"labels": {"app": "report"}},
			"spec": {"containers": [{"name": "report", "image": "report:v3.0.0"}]},
		}}}},
	}
	meta001.deny == {{
		"msg": "CronJob \"report\" has no version label on its pod template: add version: v3.0.0",
		"path": ["spec", "jobTemplate", "spec", "template", "metadata", "labels", "version"],
	}} with input as {"object": cronjob}
}

# A kind the configuration names as a workload has its pod template's labels
# checked; its selector is not, since only the kinds the rule names are known
# to select their pods by spec.selector.
_rollout(pod_labels) := object.union(
	_deployment(_labels, {"matchLabels": {"app": "other"}}, pod_labels),
	{"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout"},
)

_workloads := {"workloads": {"Rollout": {"argoproj.io/v1alpha1": ["spec", "template"]}}}

test_allow_configured_workload if {
	count(meta001.deny) == 0 with input as {"object": _rollout(_labels), "config": _workloads}
}

test_deny_configured_workload_template_labels if {
	meta001.deny == {{
		"msg": "Rollout \"auth-service\" has no version label on its pod template: add version: v1.2.3",
		"path": ["spec", "template", "metadata", "labels", "version"],
	}} with input as {"object": _rollout({"app": "auth-service"}), "config": _workloads}
}
