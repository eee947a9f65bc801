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

deny contains {"msg": msg, "path": _capabilities_path(entry, "drop"), "container": entry.name} if {
	some entry in k8s.containers
	not _drops_all(entry.container)
	msg := sprintf("container %q does not drop all capabilities: set securityContext.capabilities.drop: [\"ALL\"]", [entry.name])
}

deny contains {"msg": msg, "path": array.concat(_capabilities_path(entry, "add"), [i]), "container": entry.name} if {
	some entry in k8s.containers
	some i, capability in _added(entry.container)
	msg := sprintf("container %q adds capability %v: remove it from securityContext.capabilities.add and keep drop: [\"ALL\"]", [entry.name, _quote(capability)])
}

_drops_all(container) if {
	some capability in container.securityContext.capabilities.drop
	is_string(capability)
	upper(capability) == "ALL"
}

_added(container) := added if {
	added := container.securityContext.capabilities.add
	is_array(added)
}

_capabilities_path(entry, field) := array.concat(entry.path, ["securityContext", "capabilities", field])

_quote(capability) := sprintf("%q", [capability]) if is_string(capability)

_quote(capability) := sprintf("%v", [capability]) if not is_string(capability)
