# METADATA
# title: Final stage has a complete HEALTHCHECK
# description: |
#   The image that ships must say how to check it is healthy, and when: a
#   HEALTHCHECK with --interval, --timeout, --start-period and --retries, so the
#   check neither runs on Docker's defaults (30s timeout, no start period) nor
#   flaps during start-up. The HEALTHCHECK may come from a stage the final stage
#   is built FROM; the last one of the chain is the one that applies, and
#   HEALTHCHECK NONE turns the check off, so it fails the rule.
# custom:
#   id: DF003
#   severity: error
#   section: Dockerfile Standards
#   remediation: |
#     Add to the final stage HEALTHCHECK --interval=30s --timeout=3s
#     --start-period=5s --retries=3 CMD followed by a command that exits 0 only
#     while the service is healthy: on scratch, the service's own binary
#     (CMD ["/main", "healthcheck"] in the standard's Go services); on an image
#     with a shell and wget, for example
#     CMD wget -q --spider http://localhost:8080/health || exit 1.
#   environments: [development, staging, production]
package dockerfile.df003

import data.lib.dockerfile

_required := ["interval", "timeout", "start-period", "retries"]

_checks := [e | some e in dockerfile.final_entries; dockerfile.kind(e.instruction) == "healthcheck"]

# The last HEALTHCHECK of the chain is the one the image keeps.
_effective := _checks[count(_checks) - 1]

deny contains {"msg": msg, "path": dockerfile.final_path} if {
	count(_checks) == 0
	msg := sprintf("the final stage has no HEALTHCHECK: add HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 %s", [_command])
}

# _command is the check to suggest. The standard's services are one binary on
# scratch that checks itself (CMD ["/main", "healthcheck"]): suggested when the
# final stage is built from scratch and its ENTRYPOINT runs one binary, as
# nothing else in such an image could run a check. On any other base the
# binary's health command is not known (nginx, a .NET runtime, a shell
# script), so the suggestion says what the command must do.
_command := sprintf("CMD [%q, \"healthcheck\"]", [_binary]) if {
	dockerfile.is_scratch(dockerfile.stages[dockerfile.chain_root(dockerfile.final_index)])
} else := "CMD <a command that exits 0 only while the service is healthy>"

_entrypoints := [e | some e in dockerfile.final_entries; dockerfile.kind(e.instruction) == "entrypoint"]

# _binary is what the last ENTRYPOINT of the chain runs, when it is exec form
# with a single item.
_binary := binary if {
	ins := _entrypoints[count(_entrypoints) - 1].instruction
	dockerfile.exec_form(ins)
	[binary] := dockerfile.args(ins)
}

deny contains {"msg": msg, "path": _effective.path, "token": "NONE"} if {
	_disabled(_effective.instruction)
	msg := "HEALTHCHECK NONE turns the health check off: write HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 CMD [...]"
}

deny contains {"msg": msg, "path": _effective.path} if {
	ins := _effective.instruction
	not _disabled(ins)
	missing := [sprintf("--%s", [name]) | some name in _required; not _has_flag(ins, name)]
	count(missing) > 0
	msg := sprintf("HEALTHCHECK lacks %s: set --interval, --timeout, --start-period and --retries", [concat(", ", missing)])
}

_has_flag(ins, name) if {
	value := dockerfile.flags(ins)[name]
	is_string(value)
	trim_space(value) != ""
}

_disabled(ins) if upper(trim_space(dockerfile.args(ins)[0])) == "NONE"

_disabled(ins) if regex.match(`(?i)^\s*HEALTHCHECK\s+NONE\s*$`, dockerfile.original(ins))
