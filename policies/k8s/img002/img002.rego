# METADATA
# title: Image references are immutable
# description: |
#   In staging and production an image must be referenced so that it can never
#   change under the manifest: a release tag MAJOR.MINOR.PATCH with or
#   without a leading v and with an optional -suffix (v1.2.3, 8.8.0,
#   1.27.3-alpine), a commit tag sha-<hex> (at least 7 hex digits), or a
#   @sha256: digest. Moving tags such as latest, stable, staging, production,
#   main or a branch name are re-pointed by every build, and so are bare
#   majors and minors (3, 8.8), which follow each new patch release: what runs
#   can no longer be told from the manifest and a rollback redeploys whatever
#   the tag points to now. An image that runs latest without a digest (tagged
#   latest, or untagged, which means latest) is IMG001's finding and is not
#   reported again here. A configuration file may replace the tag patterns
#   (imageTags.immutable, regular expressions a tag must match); a digest is
#   always immutable.
# custom:
#   id: IMG002
#   severity: error
#   section: Image Tagging Strategy
#   remediation: |
#     Deploy the release tag (slotwise/auth-service:v1.2.3, redis:8.8.0,
#     nginx:1.27.3-alpine), the commit tag (slotwise/auth-service:sha-abc123def)
#     or a digest (slotwise/auth-service@sha256:<digest>), not an environment or
#     branch tag or a bare major or minor version.
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
	not k8s.runs_latest(image) # IMG001's finding
	path := array.concat(entry.path, ["image"])
	msg := sprintf("%s image %q %s: %s", [k8s.container_label(entry), image, _problem(tag), _advice])
}

# A tag is tested first, as it settles the usual case (a release tag). The
# standard's patterns, a semantic version MAJOR.MINOR.PATCH with or without v
# and with an optional -suffix, or a commit tag sha-<hex>, are written in the
# call: a reference to a rule holding them costs more than the match. A
# configuration's patterns replace them.
_immutable(tag) if {
	not input.config.imageTags.immutable
	regex.match(`^(v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z][0-9A-Za-z._-]*)?|sha-[0-9a-f]{7,})$`, tag)
}

_immutable(tag) if {
	some pattern in input.config.imageTags.immutable
	regex.match(pattern, tag)
}

_advice := "use a release tag MAJOR.MINOR.PATCH (v optional), a commit tag sha-<hex> or a @sha256: digest" if {
	not input.config.imageTags.immutable
} else := sprintf("use a tag matching %s (imageTags.immutable of the configuration) or a @sha256: digest", [concat(" or ", input.config.imageTags.immutable)])

# Without a tag the reference has a digest (those without are IMG001's), and
# it is not a full sha256 digest.
_problem(tag) := "has no tag and a digest that is not a full @sha256: digest" if tag == ""

_problem(tag) := sprintf("uses tag %q, which can be moved to another build", [tag]) if tag != ""
