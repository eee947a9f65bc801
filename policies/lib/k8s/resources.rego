package lib.k8s

# Helpers for the resource rules (RES001-RES004).

# resource_containers are the containers that can set resources: containers and
# initContainers. Ephemeral containers cannot (the API rejects resources there).
resource_containers contains entry if {
	some entry in containers
	entry.type != "ephemeralContainers"
}

# Kubernetes quantity syntax: a decimal number with an optional decimal
# exponent or SI or binary suffix (checked first: units.parse fails loudly).
_quantity_pattern := `^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$`

# quantity is the numeric value of a resource quantity written as a string
# ("500m", "2", "512Mi", "1Gi") or a YAML number (2); undefined when it does not parse.
quantity(q) := q if is_number(q)

quantity(q) := units.parse(q) if {
	is_string(q)
	regex.match(_quantity_pattern, q)
}

# quantity_text is a quantity as written, for messages.
quantity_text(q) := q if is_string(q)

quantity_text(q) := format_int(q, 10) if {
	is_number(q)
	q == round(q)
}

quantity_text(q) := sprintf("%v", [q]) if {
	is_number(q)
	q != round(q)
}
