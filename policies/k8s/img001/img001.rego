# METADATA
# title: Images have an explicit tag that is not latest
# description: |
#   Every container image must name an explicit tag or a digest, and the tag
#   must not be latest. An image without a tag means latest, and latest moves:
#   the same manifest then runs different code from one node or restart to the
#   next, and a rollback cannot bring the previous version back. A registry
#   port (registry:5000/app) is not a tag; a digest (app@sha256:...) pins the
#   image whatever its tag says.
# custom:
#   id: IMG001
#   severity: error
#   section: Image Tagging Strategy
#   remediation: |
#     Reference the image by a release tag or a digest, for example
#     slotwise/auth-service:v1.2.3, slotwise/auth-service:sha-abc123def or
#     slotwise/auth-service@sha256:<digest>.
#   environments: [development, staging, production]
#   environment_severity: {development: warning}
package k8s.img001

import data.lib.k8s

deny contains {"msg": msg, "path": path, "container": entry.name} if {
	some entry in k8s.containers
	image := entry.container.image
	is_string(image)
	problem := _problem(k8s.image_tag(image)) # first: it settles the usual case, a release tag
	k8s.image_digest(image) == ""
	path := array.concat(entry.path, ["image"])
	msg := sprintf(
		"%s image %q %s: pin a release tag such as %s:v1.2.3 or a @sha256: digest",
		[k8s.container_label(entry), image, problem, _repository(image)],
	)
}

_problem("") := "has no tag, so it runs latest"

_problem("latest") := "uses the moving tag latest"

# _repository is the reference without its tag, for the example in the message.
_repository(image) := trim_suffix(image, concat("", [":", k8s.image_tag(image)]))
