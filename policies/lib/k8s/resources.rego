package lib.k8s

# Helpers for the resource rules (RES001-RES004).

# resource_containers are the containers that can set resources: containers and
# initContainers. Ephemeral containers cannot (the API rejects resources there).
resource_containers contains entry if {
	some entry in containers
	entry.type != "ephemeralContainers"
}

# quantity is the numeric value of a resource quantity written as a string
# ("500m", "2", "512Mi", "1Gi") or a YAML number (2); undefined when it does not parse.
# A string is checked against the Kubernetes quantity syntax first (units.parse
# fails loudly): a decimal number with an optional decimal exponent or SI or
# binary suffix. The pattern is written in the call, as a reference to a rule
# holding it would cost more than the match itself, and strings, the usual
# case, come first in the else chain: each case is tried only when the one
# before fails.
quantity(q) := units.parse(q) if {
	is_string(q)
	regex.match(`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$`, q)
} else := q if is_number(q)

# quantity_text is a quantity as written, for messages (strings first, as above).
quantity_text(q) := q if is_string(q)

else := format_int(q, 10) if {
	is_number(q)
	q == round(q)
}

else := sprintf("%v", [q]) if is_number(q)
