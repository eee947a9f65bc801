package k8s.img001_test

import data.k8s.img001

_digest := "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

_deployment(pod_spec) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": pod_spec}},
}

_image(image) := _deployment({"containers": [{"name": "api", "image": image}]})

test_allow_version_tag if {
	count(img001.deny) == 0 with input as {"object": _image("slotwise/auth-service:v1.2.3")}
}

test_allow_registry_port_with_tag if {
	count(img001.deny) == 0 with input as {"object": _image("registry.local:5000/slotwise/auth-service:sha-abc123def")}
}

test_allow_digest_without_tag if {
	count(img001.deny) == 0 with input as {"object": _image(concat("@", ["registry:5000/app", _digest]))}
}

test_allow_latest_pinned_by_digest if {
	count(img001.deny) == 0 with input as {"object": _image(concat("@", ["app:latest", _digest]))}
}

test_allow_moving_tag_other_than_latest if {
	count(img001.deny) == 0 with input as {"object": _image("slotwise/auth-service:staging"), "environment": "development"}
}

test_deny_no_tag if {
	img001.deny == {{
		"msg": "container \"api\" image \"slotwise/auth-service\" has no tag, so it runs latest: pin a release tag such as slotwise/auth-service:v1.2.3 or a @sha256: digest",
		"path": ["spec", "template", "spec", "containers", 0, "image"],
		"container": "api",
	}} with input as {"object": _image("slotwise/auth-service")}
}

test_deny_registry_port_is_not_a_tag if {
	img001.deny == {{
		"msg": "container \"api\" image \"registry:5000/app\" has no tag, so it runs latest: pin a release tag such as registry:5000/app:v1.2.3 or a @sha256: digest",
		"path": ["spec", "template", "spec", "containers", 0, "image"],
		"container": "api",
	}} with input as {"object": _image("registry:5000/app")}
}

test_deny_latest if {
	img001.deny == {{
		"msg": "container \"api\" image \"registry:5000/app:latest\" uses the moving tag latest: pin a release tag such as registry:5000/app:v1.2.3 or a @sha256: digest",
		"path": ["spec", "template", "spec", "containers", 0, "image"],
		"container": "api",
	}} with input as {"object": _image("registry:5000/app:latest")}
}

test_deny_init_container_in_cronjob if {
	cronjob := {
		"kind": "CronJob",
		"metadata": {"name": "nightly"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {
			"initContainers": [{"name": "setup", "image": "busybox"}],
			"containers": [{"name": "job", "image": "job:v1.0.0"}],
		}}}}},
	}
	img001.deny == {{
		"msg": "container \"setup\" image \"busybox\" has no tag, so it runs latest: pin a release tag such as busybox:v1.2.3 or a @sha256: digest",
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "initContainers", 0, "image"],
		"container": "setup",
	}} with input as {"object": cronjob}
}

test_deny_ephemeral_container if {
	pod := {"kind": "Pod", "metadata": {"name": "api"}, "spec": {
		"containers": [{"name": "api", "image": "api:v1.0.0"}],
		"ephemeralContainers": [{"name": "debug", "image": "busybox:latest"}],
	}}
	img001.deny == {{
		"msg": "container \"debug\" image \"busybox:latest\" uses the moving tag latest: pin a release tag such as busybox:v1.2.3 or a @sha256: digest",
		"path": ["spec", "ephemeralContainers", 0, "image"],
		"container": "debug",
	}} with input as {"object": pod}
}
