# Security helpers for the SEC rules: the settings a container really runs
# with, reading a null value (what a YAML key without a value gives) as unset,
# as the API server does.
package lib.k8s

# security is the value a container runs with for a securityContext
# field that exists at both levels: the container's own non-null setting wins,
# else the pod's non-null setting applies; undefined when neither sets it.
# A container's `field: null` does not hide the pod's value.
security(entry, field) := value if {
	value := security_or_null(entry, field)
	value != null
}

# security_or_null is security(entry, field), or null when neither level sets
# it. Rules call this one: being always defined, it can be compared directly,
# also under `not` (which would itself be undefined, not true, for a call
# nested in it whose value is undefined). An else chain reads the pod's value
# only when the container's is missing or null, with no second test of it.
security_or_null(entry, field) := value if {
	value := entry.container.securityContext[field]
	value != null
} else := value if {
	value := pod_spec.securityContext[field]
	value != null
} else := null

# pod_security is the pod's non-null securityContext setting for field.
pod_security(field) := value if {
	value := pod_spec.securityContext[field]
	value != null
}
