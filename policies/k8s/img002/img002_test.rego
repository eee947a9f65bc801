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

# Third-party images are released as 8.8.0 or 1.27.3-alpine, without the v.
test_allow_release_tags_with_or_without_v_and_suffix if {
	every image in ["redis:8.8.0", "grafana/grafana:6.14.1", "nginx:1.27.3-alpine", "app:v2.0.1-rc.1", "quay.io/prometheus/node-exporter:v1.8.2"] {
		count(img002.deny) == 0 with input as {"object": _image(image), "environment": "production"}
	}
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
		"msg": "container \"api\" image \"slotwise/auth-service:staging\" uses tag \"staging\", which can be moved to another build: use a release tag MAJOR.MINOR.PATCH (v optional), a commit tag sha-<hex> or a @sha256: digest",
		"path": ["spec", "template", "spec", "containers", 0, "image"],
		"container": "api",
	}} with input as {"object": _image("slotwise/auth-service:staging"), "environment": "staging"}
}

# An image that runs latest (untagged, or tagged latest) without a digest is
# IMG001's finding, reported once at that position.
test_allow_latest_reported_by_img001 if {
	every image in ["registry:5000/app", "redis", "redis:latest", "registry:5000/app:latest"] {
		count(img002.deny) == 0 with input as {"object": _image(image), "environment": "production"}
	}
}

# Bare majors and minors follow each new release; so do named channels.
test_deny_moving_versions_and_channels if {
	every tag in ["v1.2", "8.8", "3", "1.2-alpine", "sha-abc12", "main", "stable", "staging", "production", "1.2.3-", "1.2.3.4", "alpine-1.2.3"] {
		count(img002.deny) == 1 with input as {"object": _image(concat(":", ["app", tag]))}
	}
}

test_deny_truncated_digest if {
	img002.deny == {{
		"msg": "container \"api\" image \"app@sha256:abc\" has no tag and a digest that is not a full @sha256: digest: use a release tag MAJOR.MINOR.PATCH (v optional), a commit tag sha-<hex> or a @sha256: digest",
		"path": ["spec", "template", "spec", "containers", 0, "image"],
		"container": "api",
	}} with input as {"object": _image("app@sha256:abc")}
	count(img002.deny) == 1 with input as {"object": _image("app:latest@sha256:abc")}
}

test_deny_init_container if {
	img002.deny == {{
		"msg": "container \"migrate\" image \"migrate:production\" uses tag \"production\", which can be moved to another build: use a release tag MAJOR.MINOR.PATCH (v optional), a commit tag sha-<hex> or a @sha256: digest",
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
	count(img002.deny) == 1 with input as {"object": _image("nginx:1.27"), "config": {"dockerfile": {"finalBases": ["scratch"]}}}
}
