# METADATA
# title: Go binary on scratch is built with CGO_ENABLED=0
# description: |
#   scratch has no C library, so a Go binary shipped FROM scratch must be
#   statically linked: built with CGO_ENABLED=0. With cgo on (the default when a
#   C compiler is present), the binary links libc dynamically and the container
#   fails to start with "no such file or directory".
#
#   For each COPY --from=<stage> (name or index) into a scratch final image (its
#   chain included), the rule finds the RUNs of that stage, and of the stages it is
#   built FROM, that run go build. The binary is the copied source whose file name
#   is a go build -o output; the go build that wrote it is judged. When no copied
#   file matches any -o output (go build without -o, or -o into a directory), every
#   go build of the stage is judged against each copied source outside /etc and
#   /usr/share. A go build is static when the RUN sets CGO_ENABLED=0 for it
#   (CGO_ENABLED=0 go build, env CGO_ENABLED=0 ..., export CGO_ENABLED=0 && ...,
#   go env -w CGO_ENABLED=0), or, when the RUN does not set it, when an ENV of the
#   chain or an ARG of its stage sets CGO_ENABLED=0 before it (a go env -w of an
#   earlier RUN counts too). A stage that runs no go build (copied files, other
#   languages) is not judged.
# custom:
#   id: DF007
#   severity: error
#   section: Dockerfile Standards
#   remediation: |
#     Build the binary with cgo off: RUN CGO_ENABLED=0 GOOS=linux go build -o main
#     ./cmd/server, or ENV CGO_ENABLED=0 in the builder before the RUN.
#   environments: [development, staging, production]
package dockerfile.df007

import data.lib.dockerfile

deny contains {"msg": msg, "path": e.path, "token": source} if {
	dockerfile.final_scratch
	some e in dockerfile.final_entries
	from := dockerfile.copy_from(e.instruction)
	s := dockerfile.stage_ref(from)
	builds := _builds(s)
	count(builds) > 0
	some source in _binary_sources(e.instruction, s, builds)
	some b in _judged(source, builds)
	not _static(b)
	msg := sprintf(
		"COPY --from=%s puts %s on scratch, but stage %s runs go build without CGO_ENABLED=0, so the binary may need libc and cannot start: write RUN CGO_ENABLED=0 go build ...",
		[from, source, dockerfile.stage_label(b.entry.stage)],
	)
}

_go_build := `(^|[^A-Za-z0-9_.-])go\s+build(\s|$)`

# _builds are the RUNs of stage s's chain that run go build, each with the
# entries before it (for ENV and ARG) and the file names its -o flags write.
_builds(s) := [{"entry": e, "text": text, "before": array.slice(entries, 0, k), "outputs": _outputs(text)} |
	entries := dockerfile.chain_entries(s)
	some k, e in entries
	dockerfile.kind(e.instruction) == "run"
	text := dockerfile.command_text(e.instruction)
	regex.match(_go_build, text)
]

_outputs(text) := {name |
	some command in dockerfile.commands(text)
	regex.match(_go_build, command)
	some match in regex.find_all_string_submatch_n(`\s-o(?:\s+|=)("[^"]*"|'[^']*'|\S+)`, command, -1)
	name := dockerfile.basename(trim(match[1], `"'`))
	name != ""
}

_all_outputs(builds) := {name | some b in builds; some name in b.outputs}

# The copied sources that are go build outputs.
_matching(ins, builds) := {source |
	some source in dockerfile.sources(ins)
	dockerfile.basename(trim_suffix(source, "/")) in _all_outputs(builds)
}

_binary_sources(ins, _, builds) := matched if {
	matched := _matching(ins, builds)
	count(matched) > 0
}

# No COPY of this stage takes a file go build names: every copied source outside
# the data directories may be the binary.
_binary_sources(ins, s, builds) := {source |
	some source in dockerfile.sources(ins)
	not _data(source)
} if {
	count(_matching(ins, builds)) == 0
	not _output_copied(s, builds)
}

_output_copied(s, builds) if {
	some e in dockerfile.final_entries
	dockerfile.stage_ref(dockerfile.copy_from(e.instruction)) == s
	count(_matching(e.instruction, builds)) > 0
}

_data(source) if regex.match(`^/(etc|usr/share|usr/local/share)(/|$)|ca-certificates|zoneinfo`, source)

# The go builds that wrote the source, else every go build of the stage.
_judged(source, builds) := matched if {
	matched := [b | some b in builds; dockerfile.basename(trim_suffix(source, "/")) in b.outputs]
	count(matched) > 0
} else := builds

_assignments(text) := {match[2] |
	some match in regex.find_all_string_submatch_n(`(^|[\s;&|(])CGO_ENABLED=["']?([^\s"';&|)]*)`, text, -1)
}

_static(b) if "0" in _assignments(b.text)

_static(b) if {
	count(_assignments(b.text)) == 0
	dockerfile.var_value(b.before, b.entry.stage, "CGO_ENABLED") == "0"
}

_static(b) if {
	count(_assignments(b.text)) == 0
	not _env_sets(b)
	some e in b.before
	dockerfile.kind(e.instruction) == "run"
	regex.match(`go\s+env\s+-w\s+([^;&|\n]*\s)?CGO_ENABLED=["']?0`, dockerfile.command_text(e.instruction))
}

_env_sets(b) if is_string(dockerfile.var_value(b.before, b.entry.stage, "CGO_ENABLED"))
