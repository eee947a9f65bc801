# METADATA
# title: Containers run under a RuntimeDefault or Localhost seccomp profile
# description: |
#   Every container must run under a seccomp profile of type RuntimeDefault or
#   Localhost, as the restricted Pod Security Standard requires. The pod's
#   securityContext.seccompProfile applies to every container that does not set
#   its own; a container's own profile overrides the pod's. A profile of type
#   Unconfined (or with no type) is a violation wherever it is written,
#   including on the pod when every container overrides it, as the Pod Security
#   Standards forbid it at both levels. A container covered by no profile is
#   reported at its own securityContext.
# custom:
#   id: SEC004
#   severity: error
#   section: Pod Security Standards
#   remediation: |
#     Set spec.securityContext.seccompProfile.type: RuntimeDefault on the pod (or
#     on every container), or Localhost with a localhostProfile; never
#     Unconfined.
#   environments: [development, staging, production]
#   tags: [security]
package k8s.sec004

import data.lib.k8s

_allowed_types := {"RuntimeDefault", "Localhost"}

# A pod-level profile that is not allowed.
deny contains {"msg": msg, "path": array.concat(k8s.pod_spec_path, ["securityContext", "seccompProfile", "type"])} if {
	profile := k8s.pod_security("seccompProfile")
	not _allowed(profile)
	msg := sprintf("pod securityContext sets %s: set seccompProfile.type to RuntimeDefault or Localhost", [_describe(profile)])
}

# A container's own profile that is not allowed.
deny contains {"msg": msg, "path": _type_path(entry), "container": entry.name} if {
	some entry in k8s.containers
	profile := entry.container.securityContext.seccompProfile
	profile != null
	not _allowed(profile)
	msg := sprintf("%s sets %s: set seccompProfile.type to RuntimeDefault or Localhost", [k8s.container_label(entry), _describe(profile)])
}

# A container with no profile of its own and none on the pod (or one that is
# false), tested without a negation.
deny contains {"msg": msg, "path": _type_path(entry), "container": entry.name} if {
	some entry in k8s.containers
	k8s.security_or_null(entry, "seccompProfile") in {null, false}
	msg := sprintf("%s runs without a seccomp profile: set seccompProfile.type: RuntimeDefault on the pod or container securityContext", [k8s.container_label(entry)])
}

_allowed(profile) if profile.type in _allowed_types

_type_path(entry) := array.concat(entry.path, ["securityContext", "seccompProfile", "type"])

_describe(profile) := sprintf("seccompProfile.type %q", [profile.type]) if is_string(profile.type)

_describe(profile) := "a seccompProfile without a type" if not _has_type(profile)

_has_type(profile) if is_string(profile.type)
