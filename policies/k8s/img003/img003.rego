# METADATA
# title: The version label matches the image tag
# description: |
#   The version label on the object and on its pod template must equal the
#   version tag of the application image, so that kubectl get -l version=...,
#   dashboards and rollbacks see the version that really runs. The application
#   image is that of the container named like the app label, else of the first
#   container. Nothing is checked when that image has no version-like tag
#   (1.2, v1.2.3, 1.2.3-rc.1; not latest, sha-... or a bare digest). A missing
#   version label is reported by META001.
# custom:
#   id: IMG003
#   severity: warning
#   section: Deployment manifests
#   remediation: |
#     Set metadata.labels.version and the pod template's labels.version to the
#     image's tag, for example version: v1.2.3 for image slotwise/auth-service:v1.2.3.
#   environments: [development, staging, production]
package k8s.img003

import data.lib.k8s

deny contains {"msg": msg, "path": array.concat(labels_path, ["version"]), "container": app.name} if {
	app := k8s.app_container
	image := app.container.image
	is_string(image)
	tag := k8s.image_tag(image)
	k8s.version_tag(tag)
	some where, labels_path in k8s.labels_paths
	labels := object.get(input.object, labels_path, {})
	label := labels.version
	label != null
	label != tag # the usual case, settled without the helper
	_text(label) != tag
	msg := sprintf(
		"%s label version %q does not match the tag of %s image %q: set version: %s",
		[where, _text(label), k8s.container_label(app), image, tag],
	)
}

_text(value) := value if is_string(value)

else := sprintf("%v", [value])
