# METADATA
# title: No MAINTAINER instruction
# description: |
#   MAINTAINER is deprecated; the image's authors belong in the OCI label
#   that registries and scanners read.
# custom:
#   id: ACME002
#   severity: note
#   section: Ownership
#   remediation: |
#     Replace MAINTAINER with LABEL org.opencontainers.image.authors="<team>".
#   environments: [development, staging, production]
package dockerfile.acme002

import data.lib.dockerfile

deny contains dockerfile.violation(msg, dockerfile.instruction_path(i, j), "MAINTAINER") if {
	some i, stage in dockerfile.stages
	some j, ins in dockerfile.instructions(stage)
	dockerfile.kind(ins) == "maintainer"
	msg := "MAINTAINER is deprecated: write LABEL org.opencontainers.image.authors=\"<team>\" instead"
}
