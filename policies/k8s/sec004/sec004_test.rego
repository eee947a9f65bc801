package k8s.sec004_test

import data.k8s.sec004

_deployment(pod_security, container_security) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": {
		"securityContext": pod_security,
		"containers": [{"name": "api", "image": "api:v1.0.0", "securityContext": container_security}],
	}}},
}

_path := ["spec", "template", "spec", "containers", 0, "securityContext", "seccompProfile", "type"]

_pod_path := ["spec", "template", "spec", "securityContext", "seccompProfile", "type"]

test_allow_pod_level_applies_to_every_container if {
	count(sec004.deny) == 0 with input as {"object": _deployment({"seccompProfile": {"type": "RuntimeDefault"}}, {})}
}

test_allow_container_level if {
	count(sec004.deny) == 0 with input as {"object": _deployment({}, {"seccompProfile": {"type": "RuntimeDefault"}})}
}

test_allow_localhost if {
	profile := {"type": "Localhost", "localhostProfile": "profiles/api.json"}
	count(sec004.deny) == 0 with input as {"object": _deployment({"seccompProfile": profile}, {})}
}

test_deny_unset if {
	sec004.deny == {{
		"msg": "container \"api\" runs without a seccomp profile: set seccompProfile.type: RuntimeDefault on the pod or container securityContext",
		"path": _path,
		"container": "api",
	}} with input as {"object": _deployment({}, {})}
}

test_deny_container_unconfined_overrides_pod if {
	sec004.deny == {{
		"msg": "container \"api\" sets seccompProfile.type \"Unconfined\": set seccompProfile.type to RuntimeDefault or Localhost",
		"path": _path,
		"container": "api",
	}} with input as {"object": _deployment({"seccompProfile": {"type": "RuntimeDefault"}}, {"seccompProfile": {"type": "Unconfined"}})}
}

test_deny_pod_unconfined_once if {
	sec004.deny == {{
		"msg": "pod securityContext sets seccompProfile.type \"Unconfined\": set seccompProfile.type to RuntimeDefault or Localhost",
		"path": _pod_path,
	}} with input as {"object": _deployment({"seccompProfile": {"type": "Unconfined"}}, {})}
}

test_deny_pod_unconfined_even_when_containers_override if {
	sec004.deny == {{
		"msg": "pod securityContext sets seccompProfile.type \"Unconfined\": set seccompProfile.type to RuntimeDefault or Localhost",
		"path": _pod_path,
	}} with input as {"object": _deployment({"seccompProfile": {"type": "Unconfined"}}, {"seccompProfile": {"type": "RuntimeDefault"}})}
}

test_deny_profile_without_type if {
	sec004.deny == {{
		"msg": "container \"api\" sets a seccompProfile without a type: set seccompProfile.type to RuntimeDefault or Localhost",
		"path": _path,
		"container": "api",
	}} with input as {"object": _deployment({}, {"seccompProfile": {}})}
}

test_deny_init_container_in_cronjob if {
	obj := {
		"kind": "CronJob",
		"metadata": {"name": "nightly"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {
			"initContainers": [{"name": "setup"}],
			"containers": [{"name": "job", "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}}],
		}}}}},
	}
	sec004.deny == {{
		"msg": "container \"setup\" runs without a seccomp profile: set seccompProfile.type: RuntimeDefault on the pod or container securityContext",
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "initContainers", 0, "securityContext", "seccompProfile", "type"],
		"container": "setup",
	}} with input as {"object": obj}
}

# A key without a value (null) is unset: the pod's profile still applies.
test_allow_container_null_inherits_pod if {
	count(sec004.deny) == 0 with input as {"object": _deployment({"seccompProfile": {"type": "RuntimeDefault"}}, {"seccompProfile": null})}
}

test_deny_null_everywhere_is_unset if {
	sec004.deny == {{
		"msg": "container \"api\" runs without a seccomp profile: set seccompProfile.type: RuntimeDefault on the pod or container securityContext",
		"path": _path,
		"container": "api",
	}} with input as {"object": _deployment({"seccompProfile": null}, {"seccompProfile": null})}
}
