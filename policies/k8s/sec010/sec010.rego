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

# A read-only-root container that mounts a writable emptyDir at /tmp, the
# usual case, is settled by _has_writable_tmp, tested first in each finding:
# one evaluation per container, which the later tests then read from OPA's cache.

# Nothing is mounted at /tmp.
deny contains {"msg": msg, "path": array.concat(entry.path, ["volumeMounts"]), "container": entry.name} if {
	some entry in k8s.containers
	entry.container.securityContext.readOnlyRootFilesystem == true
	not _has_writable_tmp(entry.container)
	not _mounts_tmp(entry.container)
	msg := sprintf("%s has a read-only root filesystem and no writable /tmp: mount an emptyDir volume at /tmp", [k8s.container_label(entry)])
}

# /tmp is mounted from a volume that is not scratch space.
deny contains {"msg": msg, "path": array.concat(entry.path, ["volumeMounts", i, "name"]), "container": entry.name} if {
	some entry in k8s.containers
	entry.container.securityContext.readOnlyRootFilesystem == true
	not _has_writable_tmp(entry.container)
	some i, mount in _tmp_mounts(entry.container)
	not _is_scratch(mount)
	msg := sprintf("%s mounts volume %q at /tmp, which is not an emptyDir: mount an emptyDir volume at /tmp", [k8s.container_label(entry), object.get(mount, "name", "")])
}

# /tmp is mounted from scratch space, but read-only.
deny contains {"msg": msg, "path": array.concat(entry.path, ["volumeMounts", i, "readOnly"]), "container": entry.name} if {
	some entry in k8s.containers
	entry.container.securityContext.readOnlyRootFilesystem == true
	not _has_writable_tmp(entry.container)
	some i, mount in _tmp_mounts(entry.container)
	_is_scratch(mount)
	mount.readOnly == true
	msg := sprintf("%s mounts its /tmp emptyDir read-only: remove readOnly: true from the /tmp volumeMount", [k8s.container_label(entry)])
}

_tmp_mounts(container) := {i: mount |
	some i, mount in object.get(container, "volumeMounts", [])
	_is_tmp(object.get(mount, "mountPath", ""))
}

_is_tmp(mount_path) if {
	is_string(mount_path)
	trim_right(mount_path, "/") == "/tmp"
}

_mounts_tmp(container) if count(_tmp_mounts(container)) > 0

_has_writable_tmp(container) if {
	some mount in _tmp_mounts(container)
	_is_scratch(mount)
	object.get(mount, "readOnly", false) != true
}

_is_scratch(mount) if {
	some volume in object.get(k8s.pod_spec, "volumes", [])
	volume.name == mount.name
	some kind in {"emptyDir", "ephemeral"}
	is_object(volume[kind])
}
