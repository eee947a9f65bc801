# METADATA
# title: Containers set cpu and memory limits
# description: |
#   Every container and init container must set resources.limits.cpu and
#   resources.limits.memory, so that one runaway container cannot starve the
#   others on its node and memory leaks end in an OOM kill of that container
#   rather than node pressure. A value that is not a Kubernetes quantity
#   ("2000m", "2", "2Gi") is reported too. Ephemeral containers cannot set
#   resources and are not checked.
# custom:
#   id: RES002
#   severity: error
#   section: Environment Configuration
#   remediation: |
#     Set resources.limits.cpu and resources.limits.memory on every container
#     and init container, within the environment profile (for production: cpu
#     2000m, memory 2Gi).
#   environments: [development, staging, production]
package k8s.res002

import data.lib.k8s

_fallback := {"cpu": "2000m", "memory": "2Gi"}

# A limit is unset when missing, null or empty. (Tested inline with a literal
# set, here and below: this runs for every container and resource, where a
# helper call or a reference to a rule costs more.)
deny contains {"msg": msg, "path": path, "container": entry.name} if {
	some entry in k8s.resource_containers
	some resource in ["cpu", "memory"]
	object.get(entry.container, ["resources", "limits", resource], null) in {null, ""}
	path := array.concat(entry.path, ["resources", "limits", resource])
	msg := sprintf(
		"%s has no %s limit: set resources.limits.%s, e.g. %s: %s",
		[k8s.container_label(entry), resource, resource, resource, _example(resource)],
	)
}

# A value that is not a Kubernetes quantity is reported rather than skipped.
deny contains {"msg": msg, "path": path, "container": entry.name} if {
	some entry in k8s.resource_containers
	some resource in ["cpu", "memory"]
	value := entry.container.resources.limits[resource]
	not value in {null, ""}
	not k8s.quantity(value)
	path := array.concat(entry.path, ["resources", "limits", resource])
	msg := sprintf(
		"%s %s limit %s is not a Kubernetes quantity: write a number with an optional unit, e.g. %s: %s",
		[k8s.container_label(entry), resource, _shown(value), resource, _example(resource)],
	)
}

_shown(value) := sprintf("%q", [value]) if is_string(value)

else := sprintf("%v", [value])

_example(resource) := k8s.quantity_text(input.profile.resources.limits[resource]) if {
	k8s.quantity(input.profile.resources.limits[resource])
} else := _fallback[resource]
