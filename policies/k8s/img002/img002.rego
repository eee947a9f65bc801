# METADATA
# title: Image references are immutable
# description: |
#   In staging and production an image must be referenced so that it can never
#   change under the manifest: a semantic version tag vMAJOR.MINOR.PATCH, a
#   commit tag sha-<hex> (at least 7 hex digits), or a @sha256: digest. Moving
#   tags such as latest, staging, production, main or a branch name are
#   re-pointed by every build, so what runs can no longer be told from the
#   manifest and a rollback redeploys whatever the tag points to now. An image
#   without a tag (which means latest) is reported too. A configuration file may
#   replace the tag patterns (imageTags.immutable, regular expressions a tag must
#   match); a digest is always immutable.
# custom:
#   id: IMG002
#   severity: error
#   section: Image Tagging Strategy
#   remediation: |
#     Deploy the release tag (slotwise/auth-service:v1.2.3), the commit tag
#     (slotwise/auth-service:sha-abc123def) or a digest
#     (slotwise/auth-service@sha256:<digest>), not an environment or branch tag.
#   environments: [staging, production]
#   tags: [security]
package k8s.img002

import data.lib.k8s

deny contains {"msg": msg, "path": path, "container": entry.name} if {
	some entry in k8s.containers
	image := entry.container.image
	is_string(image)
	tag := k8s.image_tag(image)
	not _immutable(tag)
	not k8s.image_pinned_by_digest(image)
	path := array.concat(entry.path, ["image"])
	msg := sprintf("container %q image %q %s: %s", [entry.name, image, _problem(tag), _advice])
}

# A tag is tested first, as it settles the usual case (a release tag). The
# standard's patterns, a semantic version vMAJOR.MINOR.PATCH or a commit tag
# sha-<hex>, are written in the call: a reference to a rule holding them costs
# more than the match. A configuration's patterns replace them.
_immutable(tag) if {
	not input.config.imageTags.immutable
	regex.match(`^(v[0-9]+\.[0-9]+\.[0-9]+|sha-[0-9a-f]{7,})$`, tag)
}

_immutable(tag) if {
	some pattern in input.config.imageTags.immutable
	regex.match(pattern, tag)
}

_advice := "use a release tag vMAJOR.MINOR.PATCH, a commit tag sha-<hex> or a @sha256: digest" if {
	not input.config.imageTags.immutable
} else := sprintf("use a tag matching %s (imageTags.immutable of the configuration) or a @sha256: digest", [concat(" or ", input.config.imageTags.immutable)])

_problem(tag) := "has no tag, which means the moving tag latest" if tag == ""

_problem(tag) := sprintf("uses tag %q, which can be moved to another build", [tag]) if tag != ""
