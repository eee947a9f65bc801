# METADATA
# title: Containers set cpu and memory requests
# description: |
#   Every container and init container must set resources.requests.cpu and
#   resources.requests.memory, so the scheduler places the pod on a node that
#   can hold it and the pod gets the QoS class the environment profile plans
#   for. Kubernetes copies a limit into a missing request, but the request must
#   still be written explicitly: the manifest then says what the pod reserves,
#   and the request survives when the limit is changed or removed. A value that
#   is not a Kubernetes quantity ("500m", "2", "512Mi") is reported too.
#   Ephemeral containers cannot set resources and are not checked.
# custom:
#   id: RES001
#   severity: error
#   section: Environment Configuration
#   remediation: |
#     Set resources.requests.cpu and resources.requests.memory on every
#     container and init container, sized from the environment profile (for
#     production: cpu 500m, memory 512Mi).
#   environments: [development, staging, production]
package k8s.res001

import data.lib.k8s

_fallback := {"cpu": "500m", "memory": "512Mi"}

# A request is unset when missing, null or empty. (Tested inline with a literal
# set, here and below: this runs for every container and resource, where a
# helper call or a reference to a rule costs more.)
deny contains {"msg": msg, "path": path, "container": entry.name} if {
	some entry in k8s.resource_containers
	some resource in ["cpu", "memory"]
	object.get(entry.container, ["resources", "requests", resource], null) in {null, ""}
	path := array.concat(entry.path, ["resources", "requests", resource])
	msg := sprintf(
		"%s has no %s request: set resources.requests.%s explicitly, e.g. %s: %s",
		[k8s.container_label(entry), resource, resource, resource, _example(resource)],
	)
}

# A value that is not a Kubernetes quantity is reported rather than skipped.
deny contains {"msg": msg, "path": path, "container": entry.name} if {
	some entry in k8s.resource_containers
	some resource in ["cpu", "memory"]
	value := entry.container.resources.requests[resource]
	not value in {null, ""}
	not k8s.quantity(value)
	path := array.concat(entry.path, ["resources", "requests", resource])
	msg := sprintf(
		"%s %s request %s is not a Kubernetes quantity: write a number with an optional unit, e.g. %s: %s",
		[k8s.container_label(entry), resource, _shown(value), resource, _example(resource)],
	)
}

_shown(value) := sprintf("%q", [value]) if is_string(value)

else := sprintf("%v", [value])

_example(resource) := k8s.quantity_text(input.profile.resources.requests[resource]) if {
	k8s.quantity(input.profile.resources.requests[resource])
} else := _fallback[resource]
