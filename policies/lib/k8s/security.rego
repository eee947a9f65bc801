# Security helpers for the SEC rules: the settings a container really runs
# with, reading a null value (what a YAML key without a value gives) as unset,
# as the API server does.
package lib.k8s

# security is the value a container runs with for a securityContext
# field that exists at both levels: the container's own non-null setting wins,
# else the pod's non-null setting applies; undefined when neither sets it.
# A container's `field: null` does not hide the pod's value.
security(entry, field) := value if {
	value := entry.container.securityContext[field]
	value != null
}

security(entry, field) := value if {
	not _security_field_set(entry.container, field)
	value := pod_spec.securityContext[field]
	value != null
}

# pod_security is the pod's non-null securityContext setting for field.
pod_security(field) := value if {
	value := pod_spec.securityContext[field]
	value != null
}

_security_field_set(container, field) if container.securityContext[field] != null
