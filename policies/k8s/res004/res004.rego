# METADATA
# title: Requests and limits lie within the environment profile
# description: |
#   Each environment profile fixes the resources a container is sized for. A
#   container's limits must not be above the profile's limits (cpu, memory),
#   and its requests must not be below the profile's requests: a bigger limit
#   overcommits the environment's nodes, a smaller request lets the scheduler
#   pack pods the profile did not plan for. Containers and init containers are
#   checked; values or profile fields that are not set are left to RES001 and
#   RES002.
# custom:
#   id: RES004
#   severity: warning
#   section: Environment Configuration
#   remediation: |
#     Size resources from the environment profile: requests at least the
#     profile's requests and limits at most its limits (production: requests cpu
#     500m, memory 512Mi; limits cpu 2000m, memory 2Gi).
#   environments: [staging, production]
package k8s.res004

import data.lib.k8s

_profile_name := sprintf("%s profile", [input.environment]) if is_string(input.environment)

else := "environment profile"

deny contains {"msg": msg, "path": path, "container": entry.name} if {
	some entry in k8s.resource_containers
	some resource in ["cpu", "memory"]
	value := entry.container.resources.limits[resource]
	bound := input.profile.resources.limits[resource]
	value != bound # the profile's own value, the usual case: settled without parsing
	k8s.quantity(value) > k8s.quantity(bound)
	path := array.concat(entry.path, ["resources", "limits", resource])
	msg := sprintf(
		"%s limits %s to %s, above the %s limit %s: set limits.%s to at most %s",
		[k8s.container_label(entry), resource, k8s.quantity_text(value), _profile_name, k8s.quantity_text(bound), resource, k8s.quantity_text(bound)],
	)
}

deny contains {"msg": msg, "path": path, "container": entry.name} if {
	some entry in k8s.resource_containers
	some resource in ["cpu", "memory"]
	value := entry.container.resources.requests[resource]
	bound := input.profile.resources.requests[resource]
	value != bound # the profile's own value, the usual case: settled without parsing
	k8s.quantity(value) < k8s.quantity(bound)
	path := array.concat(entry.path, ["resources", "requests", resource])
	msg := sprintf(
		"%s requests %s %s, below the %s request %s: set requests.%s to at least %s",
		[k8s.container_label(entry), resource, k8s.quantity_text(value), _profile_name, k8s.quantity_text(bound), resource, k8s.quantity_text(bound)],
	)
}
