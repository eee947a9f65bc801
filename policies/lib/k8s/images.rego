package lib.k8s

# Helpers for the image rules (IMG001-IMG003) and the version label.

# image_tag is the tag of an image reference, "" when it has none. The tag is
# what follows the last ":" of the last path segment, so the port of a registry
# host ("registry:5000/app") is not taken for a tag.
image_tag(image) := match[1] if {
	[match] := regex.find_all_string_submatch_n(`:([^/:]+)$`, split(image, "@")[0], 1)
} else := ""

# image_digest is the digest of an image reference ("sha256:..."), "" when it has none.
image_digest(image) := substring(image, indexof(image, "@") + 1, -1) if {
	contains(image, "@")
} else := ""

# image_pinned_by_digest holds for a reference that ends in a sha256 content digest.
image_pinned_by_digest(image) if regex.match(`^sha256:[0-9a-f]{64}$`, image_digest(image))

# runs_latest holds for a reference without a digest whose tag is latest,
# written or implied by no tag at all: IMG001 reports it, and IMG002 leaves
# it to IMG001 (one problem, one finding).
runs_latest(image) if {
	image_tag(image) in {"", "latest"}
	image_digest(image) == ""
}

# version_tag holds for a tag that names a release version: 1, 1.2, v1.2.3, 1.2.3-rc.1.
version_tag(tag) if regex.match(`^v?[0-9]+(\.[0-9]+)*(-[0-9A-Za-z.-]+)?$`, tag)

# app_name is the app label of the pods, else of the object, "" when neither has one.
app_name := name if {
	name := pod_labels.app
	is_string(name)
} else := name if {
	name := input.object.metadata.labels.app
	is_string(name)
} else := ""

_app_containers := list if {
	list := pod_spec.containers
	is_array(list)
} else := [] if pod_spec

# _app_index is the index of the first container named like the app, else 0
# when the pod has a container.
_app_index := matches[0] if {
	name := app_name
	name != ""
	matches := [i | some i, c in _app_containers; c.name == name]
} else := 0 if count(_app_containers) > 0

# app_container is the container that runs the application (with path, type and
# name, like the entries of containers): the container named like the app label,
# else the first container.
app_container := {
	"container": c,
	"path": array.concat(pod_spec_path, ["containers", i]),
	"type": "containers",
	"name": object.get(c, "name", ""),
} if {
	i := _app_index
	c := _app_containers[i]
}
