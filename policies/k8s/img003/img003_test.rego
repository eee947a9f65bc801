package k8s.img003_test

import data.k8s.img003

_deployment(object_labels, pod_labels, containers) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "auth-service", "namespace": "slotwise", "labels": object_labels},
	"spec": {
		"selector": {"matchLabels": {"app": "auth-service"}},
		"template": {
			"metadata": {"labels": pod_labels},
			"spec": {"containers": containers},
		},
	},
}

_labels(version) := {"app": "auth-service", "version": version}

_app(image) := [{"name": "auth-service", "image": image}]

test_allow_matching_labels if {
	count(img003.deny) == 0 with input as {"object": _deployment(_labels("v1.2.3"), _labels("v1.2.3"), _app("slotwise/auth-service:v1.2.3"))}
}

test_allow_registry_port_and_digest if {
	image := "registry:5000/slotwise/auth-service:v1.2.3@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	count(img003.deny) == 0 with input as {"object": _deployment(_labels("v1.2.3"), _labels("v1.2.3"), _app(image))}
}

test_allow_no_version_like_tag if {
	count(img003.deny) == 0 with input as {"object": _deployment(_labels("v1.2.3"), _labels("v1.2.3"), _app("slotwise/auth-service:sha-abc123def"))}
	count(img003.deny) == 0 with input as {"object": _deployment(_labels("v1.2.3"), _labels("v1.2.3"), _app("registry:5000/auth-service"))}
	count(img003.deny) == 0 with input as {"object": _deployment(_labels("v1.2.3"), _labels("v1.2.3"), _app("auth-service:latest"))}
}

test_allow_missing_label_left_to_meta001 if {
	count(img003.deny) == 0 with input as {"object": _deployment({"app": "auth-service"}, {"app": "auth-service"}, _app("slotwise/auth-service:v1.2.3"))}
}

test_allow_sidecar_tag_ignored if {
	containers := [
		{"name": "envoy", "image": "envoyproxy/envoy:v1.29.1"},
		{"name": "auth-service", "image": "slotwise/auth-service:v1.2.3"},
	]
	count(img003.deny) == 0 with input as {"object": _deployment(_labels("v1.2.3"), _labels("v1.2.3"), containers)}
}

test_deny_object_label_differs if {
	img003.deny == {{
		"msg": "metadata label version \"v1.2.2\" does not match the tag of container \"auth-service\" image \"slotwise/auth-service:v1.2.3\": set version: v1.2.3",
		"path": ["metadata", "labels", "version"],
		"container": "auth-service",
	}} with input as {"object": _deployment(_labels("v1.2.2"), _labels("v1.2.3"), _app("slotwise/auth-service:v1.2.3"))}
}

test_deny_pod_template_label_differs if {
	img003.deny == {{
		"msg": "pod template label version \"1.2.3\" does not match the tag of container \"auth-service\" image \"registry:5000/auth-service:v1.2.3\": set version: v1.2.3",
		"path": ["spec", "template", "metadata", "labels", "version"],
		"container": "auth-service",
	}} with input as {"object": _deployment(_labels("v1.2.3"), _labels("1.2.3"), _app("registry:5000/auth-service:v1.2.3"))}
}

test_deny_first_container_when_none_named_like_app if {
	containers := [
		{"name": "server", "image": "slotwise/auth-service:v2.0.0"},
		{"name": "envoy", "image": "envoyproxy/envoy:v1.2.3"},
	]
	count(img003.deny) == 2 with input as {"object": _deployment(_labels("v1.2.3"), _labels("v1.2.3"), containers)}
}

test_deny_pod_reported_once if {
	pod := {
		"kind": "Pod",
		"metadata": {"name": "auth-service", "labels": _labels("v1.0.0")},
		"spec": {"containers": _app("slotwise/auth-service:v1.1.0")},
	}
	img003.deny == {{
		"msg": "metadata label version \"v1.0.0\" does not match the tag of container \"auth-service\" image \"slotwise/auth-service:v1.1.0\": set version: v1.1.0",
		"path": ["metadata", "labels", "version"],
		"container": "auth-service",
	}} with input as {"object": pod}
}

test_deny_cronjob_template if {
	cronjob := {
		"kind": "CronJob",
		"metadata": {"name": "report", "labels": _labels("v3.0.0")},
		"spec": {"jobTemplate": {"spec": {"template": {
			"metadata": {"labels": _labels("v2.9.0")},
			"spec": {"containers": [{"name": "report", "image": "report:v3.0.0"}]},
		}}}},
	}
	img003.deny == {{
		"msg": "pod template label version \"v2.9.0\" does not match the tag of container \"report\" image \"report:v3.0.0\": set version: v3.0.0",
		"path": ["spec", "jobTemplate", "spec", "template", "metadata", "labels", "version"],
		"container": "report",
	}} with input as {"object": cronjob}
}
