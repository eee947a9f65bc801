# METADATA
# title: Containers run with a non-zero runAsUser
# description: |
#   Every container must run with an explicit, non-zero UID: runAsUser set on the
#   pod's securityContext (inherited by every container that does not set its
#   own) or on the container's securityContext. Without it the UID comes from
#   the image, which may be root. An explicit runAsUser: 0 is always an error and
#   is reported at the field that sets it: on the pod even when every container
#   overrides it, on a container even when the pod sets a non-zero UID.
# custom:
#   id: SEC002
#   severity: error
#   section: Deployment manifests
#   remediation: |
#     Set spec.securityContext.runAsUser to a non-zero UID (for example 1000) on
#     the pod, or securityContext.runAsUser on every container, and never 0.
#   environments: [development, staging, production]
#   tags: [security]
package k8s.sec002

import data.lib.k8s

# A container that sets runAsUser: 0 itself.
deny contains {"msg": msg, "path": array.concat(entry.path, ["securityContext", "runAsUser"]), "container": entry.name} if {
	some entry in k8s.containers
	entry.container.securityContext.runAsUser == 0
	msg := sprintf("%s sets runAsUser: 0 and runs as root: set runAsUser to a non-zero UID such as 1000", [k8s.container_label(entry)])
}

# A pod that sets runAsUser: 0, whether or not its containers override it.
deny contains {"msg": msg, "path": array.concat(k8s.pod_spec_path, ["securityContext", "runAsUser"])} if {
	k8s.pod_spec.securityContext.runAsUser == 0
	msg := "pod securityContext sets runAsUser: 0 (root): set runAsUser to a non-zero UID such as 1000"
}

# A container with no runAsUser of its own or from the pod. (Tested here rather
# than in a helper of its own: it runs for every container, and each function
# call costs.)
deny contains {"msg": msg, "path": array.concat(entry.path, ["securityContext", "runAsUser"]), "container": entry.name} if {
	some entry in k8s.containers
	not is_number(k8s.security_or_null(entry, "runAsUser"))
	msg := sprintf("%s has no runAsUser and may run as the image's user (root): set runAsUser to a non-zero UID such as 1000 on the pod or container securityContext", [k8s.container_label(entry)])
}
