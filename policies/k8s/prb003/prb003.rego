# METADATA
# title: Liveness and readiness probe separate endpoints
# description: |
#   Liveness answers "restart me?", readiness "send me traffic?". When both
#   probes GET the same path on the same port, a dependency outage that should
#   only take the pod out of the Service also gets it restarted, over and over.
#   The standard serves liveness on /health and readiness on /ready. For each
#   long-running container, an httpGet livenessProbe must use path /health and
#   an httpGet readinessProbe path /ready (a missing path means "/"), and the
#   two must not probe the same path and port (a named port is resolved through
#   the container's ports). Probes that are not httpGet are not checked here.
# custom:
#   id: PRB003
#   severity: warning
#   section: Health Checks
#   remediation: |
#     Serve liveness and readiness on separate endpoints:
#     livenessProbe.httpGet.path: /health and readinessProbe.httpGet.path: /ready.
#   environments: [development, staging, production]
package k8s.prb003

import data.lib.k8s

# Both probes GET the same endpoint: reported at the readiness probe's path.
deny contains {"msg": msg, "path": path, "container": entry.name} if {
	some entry in k8s.long_running
	_same_endpoint(entry)
	path := array.concat(entry.path, ["readinessProbe", "httpGet", "path"])
	msg := sprintf(
		"%s liveness and readiness probes both GET %s on port %v: serve readiness on /ready and liveness on /health",
		[k8s.container_label(entry), _probe_path(entry.container, "readinessProbe"), entry.container.readinessProbe.httpGet.port],
	)
}

# A probe's path is not the standard one (a readiness probe on the liveness
# endpoint is already reported above). The standard paths are written as a
# literal: this runs for every container, and a reference to a rule costs more.
deny contains {"msg": msg, "path": path, "container": entry.name} if {
	some entry in k8s.long_running
	some probe, expected in {"livenessProbe": "/health", "readinessProbe": "/ready"}
	http_get := entry.container[probe].httpGet
	is_object(http_get)
	not http_get.path == expected # the usual case, settled without the helper
	actual := _probe_path(entry.container, probe)
	actual != expected
	not _reported_as_same(entry, probe)
	path := array.concat(entry.path, [probe, "httpGet", "path"])
	msg := sprintf("%s %s GETs %s: set %s.httpGet.path: %s", [k8s.container_label(entry), probe, actual, probe, expected])
}

_reported_as_same(entry, "readinessProbe") if _same_endpoint(entry)

_same_endpoint(entry) if {
	live := entry.container.livenessProbe.httpGet
	ready := entry.container.readinessProbe.httpGet
	_probe_path(entry.container, "livenessProbe") == _probe_path(entry.container, "readinessProbe")
	_port_number(entry.container, live.port) == _port_number(entry.container, ready.port)
}

# _probe_path is the path an httpGet probe requests; Kubernetes defaults it to "/".
_probe_path(container, probe) := path if {
	path := container[probe].httpGet.path
	is_string(path)
	path != ""
} else := "/"

# _port_number resolves a named port through the container's ports.
_port_number(container, port) := number if {
	is_string(port)
	numbers := [p.containerPort | some p in object.get(container, "ports", []); p.name == port]
	number := numbers[0]
} else := port
