# METADATA
# title: Containers run as non-root
# description: |
#   Every container must run with runAsNonRoot: true, set on the pod's
#   securityContext (it then applies to every container that does not override
#   it) or on each container's own securityContext. The kubelet then refuses to
#   start a container whose image would run as UID 0.
# custom:
#   id: SEC001
#   severity: error
#   section: Container Security, Pod Security Standards
#   remediation: |
#     Set spec.securityContext.runAsNonRoot: true on the pod (or
#     securityContext.runAsNonRoot: true on every container) and give the image a
#     numeric non-root USER.
#   environments: [development, staging, production]
#   tags: [security]
package k8s.sec001

import data.lib.k8s

# The test is written out here rather than in a helper of its own: it runs for
# every container of every object, and each function call costs.
deny contains {"msg": msg, "path": array.concat(entry.path, ["securityContext", "runAsNonRoot"]), "container": entry.name} if {
	some entry in k8s.containers
	k8s.security_or_null(entry, "runAsNonRoot") != true
	msg := sprintf("%s may run as root: set runAsNonRoot: true on the pod or container securityContext", [k8s.container_label(entry)])
}
