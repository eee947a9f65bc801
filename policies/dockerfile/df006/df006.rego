# METADATA
# title: Final stage EXPOSEs its port
# description: |
#   The image that ships should EXPOSE the port it serves on, so that readers,
#   docker run -P and tooling know it without reading the code. An EXPOSE of a
#   stage the final stage is built FROM counts: the image inherits it. A worker
#   that serves nothing can exempt its final stage with
#   `# slotcheck:ignore DF006 <reason>`.
# custom:
#   id: DF006
#   severity: note
#   section: Dockerfile Standards
#   remediation: |
#     Add EXPOSE 8080 (the service's port) to the final stage.
#   environments: [development, staging, production]
package dockerfile.df006

import data.lib.dockerfile

deny contains {"msg": msg, "path": dockerfile.final_path} if {
	not _exposes
	msg := "the final stage EXPOSEs no port: add EXPOSE with the port the service listens on, such as EXPOSE 8080"
}

_exposes if {
	some e in dockerfile.final_entries
	dockerfile.kind(e.instruction) == "expose"
}
