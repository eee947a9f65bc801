# METADATA
# title: Requests do not exceed limits
# description: |
#   A container's request for a resource must not be above its limit for that
#   resource: the API server rejects such a pod, so the manifest would fail
#   only at deploy time. Quantities are compared by value, so 500m equals 0.5
#   and 1Gi equals 1024Mi. Every resource set both as a request and as a limit
#   is compared (cpu, memory, ephemeral-storage, ...); a value that is not a
#   quantity is left to RES001 and RES002.
# custom:
#   id: RES003
#   severity: error
#   section: Environment Configuration
#   remediation: |
#     Lower the request to at most the limit, or raise the limit, for example
#     requests.cpu: 500m with limits.cpu: 2000m.
#   environments: [development, staging, production]
package k8s.res003

import data.lib.k8s

deny contains {"msg": msg, "path": path, "container": entry.name} if {
	some entry in k8s.resource_containers
	some resource, request in object.get(entry.container, ["resources", "requests"], {})
	limit := entry.container.resources.limits[resource]
	request != limit # equal as written: settled without parsing either
	k8s.quantity(request) > k8s.quantity(limit)
	path := array.concat(entry.path, ["resources", "requests", resource])
	msg := sprintf(
		"%s requests %s %s, above its limit %s: lower the request to at most %s or raise the limit",
		[k8s.container_label(entry), resource, k8s.quantity_text(request), k8s.quantity_text(limit), k8s.quantity_text(limit)],
	)
}
