# METADATA
# title: Go modules are downloaded before the sources are copied
# description: |
#   In a stage that runs go mod download or go build, go.mod (and go.sum) should
#   be copied and go mod download run before the whole build context is copied
#   (COPY . ., COPY ./ ./, ADD . .): the module layer then stays cached until the
#   dependencies change, instead of being downloaded again on every source edit.
#   A RUN go mod download that bind-mounts go.mod (RUN --mount=type=bind,
#   source=go.mod,...) counts as well. go.sum is not required, as a module
#   without dependencies has none. A stage that never copies the whole context
#   is not judged.
# custom:
#   id: DF009
#   severity: note
#   section: Dockerfile Standards
#   remediation: |
#     Before COPY . ., write COPY go.mod go.sum ./ and RUN go mod download.
#   environments: [development, staging, production]
package dockerfile.df009

import data.lib.dockerfile

deny contains {"msg": msg, "path": dockerfile.instruction_path(i, j)} if {
	some i, stage in dockerfile.stages
	list := dockerfile.instructions(stage)
	_runs_go(list)
	copies := {k | some k, ins in list; _copies_context(ins)}
	count(copies) > 0
	j := min(copies)
	not _modules_downloaded(list, j)
	msg := "the whole build context is copied before go.mod is copied and go mod download runs, so every source change downloads the modules again: COPY go.mod go.sum ./ and RUN go mod download before it"
}

_go_command := `(^|[^A-Za-z0-9_.-])go\s+(build|mod\s+download)(\s|$)`

_go_mod_download := `(^|[^A-Za-z0-9_.-])go\s+mod\s+download(\s|$)`

_runs_go(list) if {
	some ins in list
	dockerfile.kind(ins) == "run"
	regex.match(_go_command, dockerfile.command_text(ins))
}

_copies_context(ins) if {
	dockerfile.kind(ins) in {"copy", "add"}
	not dockerfile.copy_from(ins)
	some source in dockerfile.sources(ins)
	source in {".", "./"}
}

_modules_downloaded(list, j) if {
	some r, ins in list
	r < j
	dockerfile.kind(ins) == "run"
	regex.match(_go_mod_download, dockerfile.command_text(ins))
	_go_mod_present(list, r)
}

_go_mod_present(list, r) if {
	some c, ins in list
	c < r
	dockerfile.kind(ins) in {"copy", "add"}
	some source in dockerfile.sources(ins)
	_go_mod_file(dockerfile.basename(source))
}

# RUN --mount=type=bind,source=go.mod,target=go.mod go mod download
_go_mod_present(list, r) if contains(dockerfile.original(list[r]), "go.mod")

_go_mod_file(name) if name == "go.mod"

_go_mod_file(name) if regex.match(`^go\.[a-z]*\*$`, name)
