# METADATA
# title: Long-running containers have a liveness probe
# description: |
#   Every long-running container (the app containers of a Pod, Deployment,
#   StatefulSet, DaemonSet or ReplicaSet, and sidecar init containers with
#   restartPolicy: Always) must have a livenessProbe, so the kubelet restarts it
#   when it hangs. The standard expects an httpGet on /health. Containers of
#   Jobs and CronJobs, of Pods with restartPolicy Never or OnFailure and of
#   Helm test hooks (helm.sh/hook: test), plain init containers and ephemeral
#   containers run to completion or cannot have probes, and are not checked.
# custom:
#   id: PRB001
#   severity: error
#   section: Deployment manifests, Health Checks
#   remediation: |
#     Add a livenessProbe to the container, for example
#     livenessProbe: {httpGet: {path: /health, port: 8080}, initialDelaySeconds: 30, periodSeconds: 10}.
#   environments: [development, staging, production]
package k8s.prb001

import data.lib.k8s

deny contains {"msg": msg, "path": path, "container": entry.name} if {
	some entry in k8s.long_running
	object.get(entry.container, "livenessProbe", null) == null
	path := array.concat(entry.path, ["livenessProbe"])
	msg := sprintf("%s has no livenessProbe: add livenessProbe with httpGet path /health on the container's port", [k8s.container_label(entry)])
}
