# METADATA
# title: ENTRYPOINT and CMD in exec form
# description: |
#   ENTRYPOINT and CMD must be written in exec (JSON) form. In shell form Docker
#   runs them under /bin/sh -c: the application is not PID 1 and never receives
#   the SIGTERM Kubernetes sends, so it is killed without a graceful shutdown, and
#   a scratch image has no /bin/sh, so the container cannot start at all. The
#   rule reads every stage: the final one ships, and a shell form in another
#   stage is copied into a final stage built FROM it.
# custom:
#   id: DF005
#   severity: warning
#   section: Dockerfile Standards
#   remediation: |
#     Write the command as a JSON array: ENTRYPOINT ["/main"] and
#     CMD ["serve", "--port", "8080"].
#   environments: [development, staging, production]
package dockerfile.df005

import data.lib.dockerfile

deny contains violation if {
	some i, stage in dockerfile.stages
	some j, ins in dockerfile.instructions(stage)
	keyword := upper(dockerfile.kind(ins))
	keyword in {"CMD", "ENTRYPOINT"}
	not dockerfile.exec_form(ins)
	msg := sprintf(
		"%s in shell form runs under /bin/sh -c, so the process gets no SIGTERM and cannot start on scratch: write it in exec form, %s [\"executable\", \"arg\"]",
		[keyword, keyword],
	)
	violation := dockerfile.violation(msg, dockerfile.instruction_path(i, j), _first(dockerfile.args(ins)))
}

_first(items) := items[0] if count(items) > 0

_first(items) := "" if count(items) == 0
