# METADATA
# title: Ports are named
# description: |
#   Container ports and Service ports carry a name, so Services, probes,
#   NetworkPolicies and ServiceMonitors refer to a port by what it serves (http,
#   metrics) rather than by a number that may change.
# custom:
#   id: NET003
#   severity: note
#   section: Service and Ingress
#   remediation: |
#     Give every container port and Service port a name saying what it serves,
#     for example name: http for the service port and name: metrics for the
#     Prometheus endpoint.
#   environments: [development, staging, production]
#   judges: [{kind: Service, apiVersion: v1}]
package k8s.net003

import data.lib.k8s

deny contains {"msg": msg, "path": array.concat(entry.path, ["ports", i, "name"]), "container": entry.name} if {
	some entry in k8s.containers
	some i, port in entry.container.ports
	not _named(port)
	msg := sprintf(
		"port %v of %s has no name: name it after what it serves, for example name: http or name: metrics",
		[object.get(port, "containerPort", i), k8s.container_label(entry)],
	)
}

deny contains {"msg": msg, "path": ["spec", "ports", i, "name"]} if {
	input.object.kind == "Service"
	some i, port in object.get(input.object, ["spec", "ports"], [])
	not _named(port)
	msg := sprintf(
		"port %v of Service %q has no name: name it after what it serves, for example name: http or name: metrics",
		[object.get(port, "port", i), k8s.name],
	)
}

_named(port) if trim_space(port.name) != ""
