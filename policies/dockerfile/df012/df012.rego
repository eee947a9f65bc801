# METADATA
# title: COPY rather than ADD for local files
# description: |
#   ADD does more than copy: it fetches URLs and unpacks archives, so an ADD of
#   local files can silently extract a file that happens to be an archive, and
#   readers cannot tell what was meant. COPY only copies. Every ADD with a local
#   source is reported, except a local tar archive (.tar, .tar.gz, .tgz, .tar.bz2,
#   .tbz2, .tar.xz, .txz): unpacking it is the one thing ADD does that COPY cannot
#   without a RUN tar whose layer keeps the archive (hadolint's DL3020 allows it
#   too). ADD of a remote source (http://, https://, git@ or another URL) is out
#   of this rule's scope.
# custom:
#   id: DF012
#   severity: warning
#   section: Dockerfile Standards
#   remediation: |
#     Write COPY with the same arguments, such as COPY config.yaml /etc/app/.
#   environments: [development, staging, production]
package dockerfile.df012

import data.lib.dockerfile

deny contains {"msg": msg, "path": dockerfile.instruction_path(i, j), "token": "ADD"} if {
	some i, stage in dockerfile.stages
	some j, ins in dockerfile.instructions(stage)
	dockerfile.kind(ins) == "add"
	local := [source |
		some source in dockerfile.sources(ins)
		not _remote(source)
		not _archive(source)
	]
	count(local) > 0
	msg := sprintf("ADD of local files (%s): write COPY, which only copies; ADD also fetches URLs and unpacks archives", [concat(" ", local)])
}

_remote(source) if regex.match(`^[A-Za-z][A-Za-z0-9+.-]*://`, source)

_remote(source) if startswith(source, "git@")

_archive(source) if regex.match(`(?i)\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz)$`, source)
