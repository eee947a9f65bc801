# METADATA
# title: Containers forbid privilege escalation
# description: |
#   Every container (app, init and ephemeral) must set
#   allowPrivilegeEscalation: false in its own securityContext, so that no
#   process can gain more privileges than its parent (setuid binaries, file
#   capabilities). The field exists only at container level: the pod cannot
#   set it for its containers.
# custom:
#   id: SEC005
#   severity: error
#   section: Container Security
#   remediation: |
#     Set securityContext.allowPrivilegeEscalation: false on every container.
#   environments: [development, staging, production]
#   tags: [security]
package k8s.sec005

import data.lib.k8s

deny contains {"msg": msg, "path": k8s.security_path(entry, "allowPrivilegeEscalation"), "container": entry.name} if {
	some entry in k8s.containers
	not _forbids_escalation(entry.container)
	msg := sprintf("container %q allows privilege escalation: set securityContext.allowPrivilegeEscalation: false", [entry.name])
}

_forbids_escalation(container) if container.securityContext.allowPrivilegeEscalation == false
