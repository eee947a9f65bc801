# METADATA
# title: Pods set a non-zero fsGroup
# description: |
#   The pod's securityContext must set fsGroup to a non-zero GID, so that the
#   volumes it mounts are group-owned by a non-root group the containers can
#   write to without running as root. fsGroup exists only at pod level; the
#   finding is reported once per pod, not per container.
# custom:
#   id: SEC003
#   severity: warning
#   section: Deployment manifests
#   remediation: |
#     Set spec.securityContext.fsGroup to a non-zero GID (for example 1000) on
#     the pod.
#   environments: [development, staging, production]
#   tags: [security]
package k8s.sec003

import data.lib.k8s

deny contains {"msg": msg, "path": array.concat(k8s.pod_spec_path, ["securityContext", "fsGroup"])} if {
	k8s.is_workload
	not _has_fs_group
	msg := "pod securityContext sets no fsGroup: set fsGroup to a non-zero GID such as 1000"
}

deny contains {"msg": msg, "path": array.concat(k8s.pod_spec_path, ["securityContext", "fsGroup"])} if {
	k8s.pod_spec.securityContext.fsGroup == 0
	msg := "pod securityContext sets fsGroup: 0 (root group): set fsGroup to a non-zero GID such as 1000"
}

_has_fs_group if is_number(k8s.pod_spec.securityContext.fsGroup)
