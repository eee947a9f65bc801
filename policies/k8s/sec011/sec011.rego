# METADATA
# title: ConfigMap and Secret volumes are mounted read-only
# description: |
#   Every volumeMount of a configMap or secret volume, or of a projected volume
#   with a configMap or secret source, must say readOnly: true, so that the
#   manifest states the intent and the container cannot be relied on to write
#   configuration or credentials. Mounts of other volumes (emptyDir, PVCs,
#   projected volumes holding only a service account token or downward API
#   data) are not concerned. The finding is at the mount's readOnly field.
# custom:
#   id: SEC011
#   severity: warning
#   section: Deployment manifests
#   remediation: |
#     Add readOnly: true to every volumeMount whose volume is a configMap, a
#     secret or a projected volume of them.
#   environments: [development, staging, production]
#   tags: [security]
package k8s.sec011

import data.lib.k8s

# The pod's volumes are read once, ahead of the loop over containers and mounts.
deny contains {"msg": msg, "path": array.concat(entry.path, ["volumeMounts", i, "readOnly"]), "container": entry.name} if {
	volumes := object.get(k8s.pod_spec, "volumes", [])
	some entry in k8s.containers
	some i, mount in entry.container.volumeMounts
	object.get(mount, "readOnly", false) != true
	some volume in volumes
	volume.name == mount.name
	some kind in _config_kinds(volume)
	msg := sprintf("%s mounts %s volume %q at %q without readOnly: true: add readOnly: true to the volumeMount", [k8s.container_label(entry), kind, mount.name, object.get(mount, "mountPath", "")])
}

# _config_kinds holds the kind of a volume that carries configuration or
# credentials: configMap, secret, or projected from at least one of them.
_config_kinds(volume) := {kind | some kind in _config_sources; is_object(volume[kind])} | {"projected" | _projects_config(volume)}

_config_sources := ["configMap", "secret"]

_projects_config(volume) if {
	some source in volume.projected.sources
	some kind in _config_sources
	is_object(source[kind])
}
