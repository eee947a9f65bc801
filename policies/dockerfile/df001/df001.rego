# METADATA
# title: Multi-stage build shipping FROM scratch
# description: |
#   The image that ships must be the final stage of a multi-stage build and be
#   built FROM scratch: the toolchain, sources and package manager stay in the
#   builder stage, and the final image holds only what is copied into it, so it
#   has no shell, no package database and nothing for a scanner to flag. The final
#   stage may reach scratch through FROM <stage>: a final FROM runtime whose stage
#   runtime is FROM scratch is built on scratch. A single-stage FROM scratch build
#   (a binary built outside the Dockerfile) is reported too: the standard wants
#   the binary built by the Dockerfile. A configuration file may allow other
#   final bases (dockerfile.finalBases, e.g. a distroless image); one service
#   that needs another base exempts its FROM with
#   `# slotcheck:ignore DF001 <reason>`.
# custom:
#   id: DF001
#   severity: error
#   section: Dockerfile Standards
#   remediation: |
#     Build in a first stage (FROM golang:1.21-alpine AS builder) and ship a
#     final stage FROM scratch that copies the binary from it:
#     COPY --from=builder /app/main /main.
#   environments: [development, staging, production]
package dockerfile.df001

import data.lib.dockerfile

deny contains violation if {
	not _allowed_final
	root := dockerfile.stages[dockerfile.chain_root(dockerfile.final_index)]
	msg := sprintf(
		"the final image is based on %s, not %s: build in a builder stage and ship a final stage FROM scratch that copies only the binary",
		[_image(root), concat(" or ", _bases)],
	)
	violation := dockerfile.violation(msg, dockerfile.final_path, _final_base)
}

deny contains violation if {
	_allowed_final
	count(dockerfile.stages) < 2
	root := dockerfile.stages[dockerfile.chain_root(dockerfile.final_index)]
	msg := sprintf(
		"single-stage build FROM %s: build the binary in a builder stage of this Dockerfile and COPY --from it into the final %s stage",
		[_image(root), _image(root)],
	)
	violation := dockerfile.violation(msg, dockerfile.final_path, _final_base)
}

# The bases the final stage may be built on: the standard's scratch, unless a
# configuration lists others.
_bases := object.get(input, ["config", "dockerfile", "finalBases"], ["scratch"])

_allowed_final if {
	dockerfile.final_scratch
	"scratch" in _bases
}

_allowed_final if {
	not dockerfile.final_scratch
	image := _image(dockerfile.stages[dockerfile.chain_root(dockerfile.final_index)])
	some base in _bases
	_names(base, image)
}

# An allowed base names the image itself or, written without a tag or digest,
# every tag and digest of it.
_names(base, image) if base == image

_names(base, image) if {
	startswith(image, base)
	substring(image, count(base), 1) in {":", "@"}
}

_final_base := dockerfile.as_string(object.get(dockerfile.as_object(dockerfile.stages[dockerfile.final_index]), "base", ""))

# The image as expanded names what ships; fall back to the base as written.
_image(stage) := image if {
	image := dockerfile.as_string(object.get(dockerfile.as_object(stage), "image", ""))
	image != ""
} else := dockerfile.as_string(object.get(dockerfile.as_object(stage), "base", ""))
