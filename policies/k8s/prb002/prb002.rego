# METADATA
# title: Long-running containers have a readiness probe
# description: |
#   Every long-running container (the app containers of a Pod, Deployment,
#   StatefulSet, DaemonSet or ReplicaSet, and sidecar init containers with
#   restartPolicy: Always) must have a readinessProbe, so a Service sends
#   traffic only to pods that can serve it and a rolling update waits for new
#   pods to be ready. The standard expects an httpGet on /ready. Containers of
#   Jobs and CronJobs, of Pods with restartPolicy Never or OnFailure and of
#   Helm test hooks (helm.sh/hook: test), plain init containers and ephemeral
#   containers run to completion or cannot have probes, and are not checked.
# custom:
#   id: PRB002
#   severity: error
#   section: Deployment manifests, Health Checks
#   remediation: |
#     Add a readinessProbe to the container, for example
#     readinessProbe: {httpGet: {path: /ready, port: 8080}, initialDelaySeconds: 5, periodSeconds: 5}.
#   environments: [development, staging, production]
package k8s.prb002

import data.lib.k8s

deny contains {"msg": msg, "path": path, "container": entry.name} if {
	some entry in k8s.long_running
	object.get(entry.container, "readinessProbe", null) == null
	path := array.concat(entry.path, ["readinessProbe"])
	msg := sprintf("%s has no readinessProbe: add readinessProbe with httpGet path /ready on the container's port", [k8s.container_label(entry)])
}
