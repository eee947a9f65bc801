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

# The test is written out here rather than in a helper: it runs for every
# container of every object, and a function call costs more than the test.
deny contains {"msg": msg, "path": array.concat(entry.path, ["securityContext", "allowPrivilegeEscalation"]), "container": entry.name} if {
	some entry in k8s.containers
	not entry.container.securityContext.allowPrivilegeEscalation == false
	msg := sprintf("%s allows privilege escalation: set securityContext.allowPrivilegeEscalation: false", [k8s.container_label(entry)])
}
