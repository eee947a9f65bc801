# METADATA
# title: Base images are pinned
# description: |
#   Every FROM that pulls an image must pin it, so that a rebuild produces the
#   same image: a tag other than latest, or an @sha256 digest. A reference with
#   no tag pulls latest. The tag is read after the last "/", so a registry port
#   (registry:5000/app) is not a tag. The image is judged with its ARGs expanded:
#   FROM golang:${GO_VERSION}-alpine with ARG GO_VERSION=1.21 is pinned, FROM
#   ${BASE} with ARG BASE=alpine is not, and a FROM whose ARG has no default
#   cannot be shown pinned, as the image is chosen at build time. FROM scratch
#   and FROM <stage> (a stage of the same Dockerfile) pull nothing and are not
#   judged; --platform does not matter.
# custom:
#   id: DF004
#   severity: error
#   section: Dockerfile Standards
#   remediation: |
#     Pin a version tag (FROM golang:1.21-alpine) or a digest
#     (FROM alpine:3.19@sha256:<digest>); give every ARG used in FROM a pinned
#     default.
#   environments: [development, staging, production]
#   tags: [security]
package dockerfile.df004

import data.lib.dockerfile

deny contains violation if {
	some i, stage in dockerfile.stages
	is_object(stage)
	dockerfile.from_stage(stage) < 0
	not _scratch(stage)
	base := dockerfile.as_string(object.get(dockerfile.as_object(stage), "base", ""))
	image := dockerfile.as_string(object.get(dockerfile.as_object(stage), "image", ""))
	msg := _problem(base, image)
	violation := dockerfile.violation(msg, ["stages", i], base)
}

_problem(base, image) := msg if {
	_unresolved(image)
	msg := sprintf("FROM %s uses a build ARG with no default, so the image is chosen at build time: give the ARG a pinned default, such as ARG BASE=alpine:3.19", [base])
}

_problem(base, image) := msg if {
	not _unresolved(image)
	not _pinned(image)
	_tag(image) == ""
	msg := sprintf("FROM %s has no tag, so it pulls latest: pin a version tag or an @sha256 digest", [_shown(base, image)])
}

_problem(base, image) := msg if {
	not _unresolved(image)
	not _pinned(image)
	lower(_tag(image)) == "latest"
	msg := sprintf("FROM %s uses the moving tag latest: pin a version tag or an @sha256 digest", [_shown(base, image)])
}

_scratch(stage) if dockerfile.is_scratch(stage)

_scratch(stage) if lower(dockerfile.as_string(object.get(dockerfile.as_object(stage), "base", ""))) == "scratch"

_unresolved(image) if trim_space(image) == ""

_unresolved(image) if contains(image, "$")

_pinned(image) if regex.match(`@sha256:[0-9a-fA-F]{64}$`, image)

_pinned(image) if {
	tag := _tag(image)
	tag != ""
	lower(tag) != "latest"
}

# The tag follows the last ":" of the last path segment, before any digest.
_tag(image) := match[1] if {
	[match] := regex.find_all_string_submatch_n(`:([^/:@]+)$`, split(image, "@")[0], 1)
} else := ""

_shown(base, image) := base if base == image

_shown(base, image) := sprintf("%s (%s)", [base, image]) if base != image
