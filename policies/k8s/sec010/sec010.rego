# METADATA
# title: Read-only-root containers get a writable /tmp
# description: |
#   A container with readOnlyRootFilesystem: true cannot write to /tmp unless a
#   volume is mounted there, and many runtimes and libraries need it. Such a
#   container should mount a writable (not readOnly) emptyDir volume at /tmp; a
#   generic ephemeral volume, which is also per-pod scratch space, is accepted
#   too. Containers with a writable root filesystem are left to SEC006. The
#   finding points at the container's volumeMounts when nothing is mounted at
#   /tmp, at the mount's name when the volume is of another kind, and at its
#   readOnly when the mount is read-only.
# custom:
#   id: SEC010
#   severity: note
#   section: Deployment manifests
#   remediation: |
#     Add a volume {name: tmp, emptyDir: {}} to the pod and mount it in the
#     container with {name: tmp, mountPath: /tmp}.
#   environments: [development, staging, production]
#   tags: [security]
package k8s.sec010

import data.lib.k8s

_scratch_types := {"emptyDir", "ephemeral"}

# Nothing is mounted at /tmp.
deny contains {"msg": msg, "path": array.concat(entry.path, ["volumeMounts"]), "container": entry.name} if {
	some entry in _read_only_root
	not entry in _mounts_tmp
	msg := sprintf("container %q has a read-only root filesystem and no writable /tmp: mount an emptyDir volume at /tmp", [entry.name])
}

# /tmp is mounted from a volume that is not scratch space.
deny contains {"msg": msg, "path": array.concat(entry.path, ["volumeMounts", i, "name"]), "container": entry.name} if {
	some [entry, i, mount] in _tmp_mounts
	not entry in _has_writable_tmp
	not [entry, i] in _scratch_tmp_mounts
	msg := sprintf("container %q mounts volume %q at /tmp, which is not an emptyDir: mount an emptyDir volume at /tmp", [entry.name, object.get(mount, "name", "")])
}

# /tmp is mounted from scratch space, but read-only.
deny contains {"msg": msg, "path": array.concat(entry.path, ["volumeMounts", i, "readOnly"]), "container": entry.name} if {
	some [entry, i, mount] in _tmp_mounts
	not entry in _has_writable_tmp
	[entry, i] in _scratch_tmp_mounts
	mount.readOnly == true
	msg := sprintf("container %q mounts its /tmp emptyDir read-only: remove readOnly: true from the /tmp volumeMount", [entry.name])
}

_read_only_root contains entry if {
	some entry in k8s.containers
	entry.container.securityContext.readOnlyRootFilesystem == true
}

# The facts the findings need are gathered once per object, as sets that the
# rules above look entries up in, rather than by helper calls per container:
# _tmp_mounts holds the read-only-root containers' mounts at /tmp, with their
# index; _scratch_volumes the names of the pod's scratch volumes, and
# _scratch_tmp_mounts the /tmp mounts of one of them. (A mount without a name is
# in none: the rules test membership of [entry, i], which is always defined.)
_tmp_mounts contains [entry, i, mount] if {
	some entry in _read_only_root
	some i, mount in entry.container.volumeMounts
	mount_path := object.get(mount, "mountPath", "")
	is_string(mount_path)
	trim_right(mount_path, "/") == "/tmp"
}

_mounts_tmp contains entry if some [entry, _, _] in _tmp_mounts

_scratch_tmp_mounts contains [entry, i] if {
	some [entry, i, mount] in _tmp_mounts
	mount.name in _scratch_volumes
}

_has_writable_tmp contains entry if {
	some [entry, i, mount] in _tmp_mounts
	[entry, i] in _scratch_tmp_mounts
	object.get(mount, "readOnly", false) != true
}

_scratch_volumes contains volume.name if {
	some volume in object.get(k8s.pod_spec, "volumes", [])
	some kind in _scratch_types
	is_object(volume[kind])
}
