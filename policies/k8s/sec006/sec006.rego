# METADATA
# title: Containers have a read-only root filesystem
# description: |
#   Every container (app, init and ephemeral) must set
#   readOnlyRootFilesystem: true in its own securityContext, so that an
#   attacker cannot modify the image's binaries or drop tools into it. Writable
#   scratch space comes from an emptyDir volume (see SEC010). The field exists
#   only at container level: the pod cannot set it for its containers.
# custom:
#   id: SEC006
#   severity: error
#   section: Container Security
#   remediation: |
#     Set securityContext.readOnlyRootFilesystem: true on every container and
#     mount an emptyDir volume where the process must write (for example /tmp).
#   environments: [development, staging, production]
#   tags: [security]
package k8s.sec006

import data.lib.k8s

# The test is written out here rather than in a helper: it runs for every
# container of every object, and a function call costs more than the test.
deny contains {"msg": msg, "path": array.concat(entry.path, ["securityContext", "readOnlyRootFilesystem"]), "container": entry.name} if {
	some entry in k8s.containers
	not entry.container.securityContext.readOnlyRootFilesystem == true
	msg := sprintf("%s has a writable root filesystem: set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where it must write", [k8s.container_label(entry)])
}
