package k8s.img002_test

import data.k8s.img002

_digest := "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

_deployment(pod_spec) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": pod_spec}},
}

_image(image) := _deployment({"containers": [{"name": "api", "image": image}]})

test_allow_semver_tag if {
	count(img002.deny) == 0 with input as {"object": _image("slotwise/auth-service:v1.2.3"), "environment": "production"}
}

test_allow_commit_tag_behind_registry_port if {
	count(img002.deny) == 0 with input as {"object": _image("registry:5000/slotwise/auth-service:sha-abc123def")}
}

test_allow_digest if {
	count(img002.deny) == 0 with input as {"object": _image(concat("@", ["registry:5000/app", _digest]))}
}

test_allow_moving_tag_pinned_by_digest if {
	count(img002.deny) == 0 with input as {"object": _image(concat("@", ["app:staging", _digest]))}
}

test_deny_environment_tag if {
	img002.deny == {{
		"msg": "container \"api\" image \"slotwise/auth-service:staging\" uses tag \"staging\", which can be moved to another build: use a release tag vMAJOR.MINOR.PATCH, a commit tag sha-<hex> or a @sha256: digest",
		"path": ["spec", "template", "spec", "containers", 0, "image"],
		"container": "api",
	}} with input as {"object": _image("slotwise/auth-service:staging"), "environment": "staging"}
}

test_deny_no_tag_behind_registry_port if {
	img002.deny == {{
		"msg": "container \"api\" image \"registry:5000/app\" has no tag, which means the moving tag latest: use a release tag vMAJOR.MINOR.PATCH, a commit tag sha-<hex> or a @sha256: digest",
		"path": ["spec", "template", "spec", "containers", 0, "image"],
		"container": "api",
	}} with input as {"object": _image("registry:5000/app")}
}

test_deny_incomplete_version_and_short_sha if {
	count(img002.deny) == 1 with input as {"object": _image("app:v1.2")}
	count(img002.deny) == 1 with input as {"object": _image("app:1.2.3")}
	count(img002.deny) == 1 with input as {"object": _image("app:sha-abc12")}
	count(img002.deny) == 1 with input as {"object": _image("app:main")}
}

test_deny_truncated_digest if {
	count(img002.deny) == 1 with input as {"object": _image("app@sha256:abc")}
}

test_deny_init_container if {
	img002.deny == {{
		"msg": "container \"migrate\" image \"migrate:production\" uses tag \"production\", which can be moved to another build: use a release tag vMAJOR.MINOR.PATCH, a commit tag sha-<hex> or a @sha256: digest",
		"path": ["spec", "template", "spec", "initContainers", 0, "image"],
		"container": "migrate",
	}} with input as {"object": _deployment({
		"initContainers": [{"name": "migrate", "image": "migrate:production"}],
		"containers": [{"name": "api", "image": "api:v2.0.1"}],
	})}
}

_config := {"imageTags": {"immutable": [`^[0-9]+\.[0-9]+\.[0-9]+(-[a-z0-9]+)?$`, `^build-[0-9]+$`]}}

test_allow_configured_pattern if {
	count(img002.deny) == 0 with input as {"object": _image("nginx:1.27.3-alpine"), "config": _config}
	count(img002.deny) == 0 with input as {"object": _image("slotwise/api:build-42"), "config": _config}
}

test_allow_digest_whatever_the_patterns if {
	count(img002.deny) == 0 with input as {"object": _image(concat("@", ["app:main", _digest])), "config": _config}
}

test_deny_configured_patterns_replace_the_standards if {
	img002.deny == {{
		"msg": "container \"api\" image \"slotwise/api:v1.2.3\" uses tag \"v1.2.3\", which can be moved to another build: use a tag matching ^[0-9]+\\.[0-9]+\\.[0-9]+(-[a-z0-9]+)?$ or ^build-[0-9]+$ (imageTags.immutable of the configuration) or a @sha256: digest",
		"path": ["spec", "template", "spec", "containers", 0, "image"],
		"container": "api",
	}} with input as {"object": _image("slotwise/api:v1.2.3"), "config": _config}
}

test_deny_other_configuration_keeps_the_standards if {
	count(img002.deny) == 1 with input as {"object": _image("nginx:1.27.3"), "config": {"dockerfile": {"finalBases": ["scratch"]}}}
}
