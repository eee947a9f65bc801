# METADATA
# title: Package installs leave no package cache
# description: |
#   A package manager's index and cache left in a layer make the image larger and
#   stale, and no later RUN can remove them from that layer. apk add must be run
#   with --no-cache (or the same RUN must remove /var/cache/apk), and
#   apt-get install (or apt install) must be followed in the same RUN by
#   rm -rf /var/lib/apt/lists/*. A RUN whose cache mount targets that directory
#   (--mount=type=cache,target=/var/cache/apk) keeps it out of the layer and
#   passes. RUN commands are read in shell form, exec form and heredocs, one
#   simple command at a time, in every stage: builder layers are cached and
#   pushed to build caches too.
# custom:
#   id: DF010
#   severity: warning
#   section: Dockerfile Standards
#   remediation: |
#     Write RUN apk add --no-cache git, and RUN apt-get update && apt-get install
#     -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*.
#   environments: [development, staging, production]
package dockerfile.df010

import data.lib.dockerfile

deny contains {"msg": msg, "path": dockerfile.instruction_path(i, j), "token": token} if {
	some i, stage in dockerfile.stages
	some j, ins in dockerfile.instructions(stage)
	dockerfile.kind(ins) == "run"
	text := dockerfile.command_text(ins)
	some command in dockerfile.commands(text)
	[token] := regex.find_n(_apk_add, command, 1)
	not regex.match(`(^|\s)--no-cache(\s|$)`, command)
	not _removed(ins, text, "/var/cache/apk")
	msg := "apk add without --no-cache leaves the package index in the layer: write apk add --no-cache"
}

deny contains {"msg": msg, "path": dockerfile.instruction_path(i, j), "token": token} if {
	some i, stage in dockerfile.stages
	some j, ins in dockerfile.instructions(stage)
	dockerfile.kind(ins) == "run"
	text := dockerfile.command_text(ins)
	some command in dockerfile.commands(text)
	[token] := regex.find_n(_apt_install, command, 1)
	not _removed(ins, text, "/var/lib/apt/lists")
	msg := sprintf("%s without rm -rf /var/lib/apt/lists/* in the same RUN leaves the package lists in the layer: end the RUN with && rm -rf /var/lib/apt/lists/*", [_apt_command(token)])
}

# apk [options] add, as written (the token the report points at).
_apk_add := `\bapk(\s+-[^\s]+)*\s+add\b`

# apt-get or apt [options, -o with a value] install.
_apt_install := `\bapt(-get)?(\s+(-o\s+\S+|-[^\s]+))*\s+install\b`

_apt_command(token) := "apt-get install" if startswith(token, "apt-get")

_apt_command(token) := "apt install" if not startswith(token, "apt-get")

# The same RUN deletes the directory, or mounts a build cache over it.
_removed(_, text, dir) if regex.match(sprintf(`(^|[\s;&|(])rm\s+[^;&|\n]*%s`, [dir]), text)

_removed(ins, _, dir) if contains(dockerfile.original(ins), sprintf("target=%s", [dir]))
