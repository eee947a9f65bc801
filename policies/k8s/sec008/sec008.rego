# METADATA
# title: Pods do not use privileged mode or host namespaces, paths or ports
# description: |
#   No container runs privileged, the pod shares none of the node's network,
#   PID or IPC namespaces, mounts no hostPath volume and binds no host port, as
#   the baseline Pod Security Standard requires. Each offending field is its
#   own finding: privileged: true at the container's securityContext,
#   hostNetwork/hostPID/hostIPC: true at the pod spec, each hostPath volume at
#   its hostPath, each container port with a non-zero hostPort at that
#   hostPort (hostPort: 0 means none and passes).
# custom:
#   id: SEC008
#   severity: error
#   section: Pod Security Standards
#   remediation: |
#     Remove privileged: true, hostNetwork, hostPID, hostIPC and hostPort; replace
#     hostPath volumes with emptyDir, configMap, secret or persistentVolumeClaim
#     volumes, and expose ports through a Service.
#   environments: [development, staging, production]
#   tags: [security]
package k8s.sec008

import data.lib.k8s

_host_namespaces := ["hostNetwork", "hostPID", "hostIPC"]

deny contains {"msg": msg, "path": array.concat(entry.path, ["securityContext", "privileged"]), "container": entry.name} if {
	some entry in k8s.containers
	entry.container.securityContext.privileged == true
	msg := sprintf("%s runs privileged with full access to the node: remove privileged: true (set privileged: false)", [k8s.container_label(entry)])
}

deny contains {"msg": msg, "path": array.concat(k8s.pod_spec_path, [field])} if {
	spec := k8s.pod_spec
	some field in _host_namespaces
	spec[field] == true
	msg := sprintf("pod sets %s: true and shares the node's namespace: remove %s", [field, field])
}

deny contains {"msg": msg, "path": array.concat(k8s.pod_spec_path, ["volumes", i, "hostPath"])} if {
	some i, volume in object.get(k8s.pod_spec, "volumes", [])
	is_object(volume.hostPath)
	msg := sprintf("volume %q mounts the node's path %q (hostPath): use an emptyDir, configMap, secret or persistentVolumeClaim volume instead", [object.get(volume, "name", ""), object.get(volume.hostPath, "path", "")])
}

deny contains {"msg": msg, "path": array.concat(entry.path, ["ports", i, "hostPort"]), "container": entry.name} if {
	some entry in k8s.containers
	some i, port in entry.container.ports
	is_number(port.hostPort)
	port.hostPort != 0
	msg := sprintf("%s binds host port %v: remove hostPort and expose containerPort %v through a Service", [k8s.container_label(entry), port.hostPort, object.get(port, "containerPort", "")])
}
