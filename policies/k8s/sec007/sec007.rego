# METADATA
# title: Containers drop all capabilities and add none
# description: |
#   Every container (app, init and ephemeral) must drop every Linux capability
#   (securityContext.capabilities.drop contains ALL, in any letter case) and add
#   none back (capabilities.add is empty). Capabilities exist only at container
#   level. A missing drop: [ALL] is one finding at capabilities.drop; every
#   added capability is its own finding at its capabilities.add entry, including
#   NET_BIND_SERVICE (which the restricted Pod Security Standard would allow):
#   bind a port above 1024 instead.
# custom:
#   id: SEC007
#   severity: error
#   section: Container Security
#   remediation: |
#     Set securityContext.capabilities.drop: ["ALL"] on every container and
#     remove capabilities.add; listen on a port above 1024 rather than adding
#     NET_BIND_SERVICE.
#   environments: [development, staging, production]
#   tags: [security]
package k8s.sec007

import data.lib.k8s

# "ALL" as written is the usual case and settles it without the helper's
# case-insensitive scan: this runs for every container of every object.
deny contains {"msg": msg, "path": array.concat(entry.path, ["securityContext", "capabilities", "drop"]), "container": entry.name} if {
	some entry in k8s.containers
	not "ALL" in object.get(entry.container, ["securityContext", "capabilities", "drop"], [])
	not _drops_all(entry.container)
	msg := sprintf("%s does not drop all capabilities: set securityContext.capabilities.drop: [\"ALL\"]", [k8s.container_label(entry)])
}

deny contains {"msg": msg, "path": array.concat(entry.path, ["securityContext", "capabilities", "add", i]), "container": entry.name} if {
	some entry in k8s.containers
	added := entry.container.securityContext.capabilities.add
	is_array(added)
	some i, capability in added
	msg := sprintf("%s adds capability %v: remove it from securityContext.capabilities.add and keep drop: [\"ALL\"]", [k8s.container_label(entry), _quote(capability)])
}

_drops_all(container) if {
	some capability in container.securityContext.capabilities.drop
	is_string(capability)
	upper(capability) == "ALL"
}

_quote(capability) := sprintf("%q", [capability]) if is_string(capability)

_quote(capability) := sprintf("%v", [capability]) if not is_string(capability)
