package dockerfile.df005_test

import data.dockerfile.df005
import data.lib.dockerfile_test as df

test_allow_standard if {
	count(df005.deny) == 0 with input as df.standard
}

test_allow_compliant if {
	count(df005.deny) == 0 with input as df.compliant
}

test_allow_exec_entrypoint_and_cmd if {
	m := df.model({}, [df.stage("", "alpine:3.19", [df.entrypoint(["/main"]), df.cmd(["serve", "--port", "8080"])])])
	count(df005.deny) == 0 with input as m
}

test_deny_shell_entrypoint if {
	m := df.model({}, [df.stage("", "alpine:3.19", [df.copy(["main", "/main"]), df.entrypoint_shell("/main serve")])])
	df005.deny == {{
		"msg": "ENTRYPOINT in shell form runs under /bin/sh -c, so the process gets no SIGTERM and cannot start on scratch: write it in exec form, ENTRYPOINT [\"executable\", \"arg\"]",
		"path": ["stages", 0, "instructions", 1],
		"token": "/main serve",
	}} with input as m
}

test_deny_shell_cmd_in_any_stage if {
	m := df.model({}, [
		df.stage("debug", "alpine:3.19", [df.cmd_shell("sh")]),
		df.stage("", "scratch", [df.entrypoint(["/main"])]),
	])
	df005.deny == {{
		"msg": "CMD in shell form runs under /bin/sh -c, so the process gets no SIGTERM and cannot start on scratch: write it in exec form, CMD [\"executable\", \"arg\"]",
		"path": ["stages", 0, "instructions", 0],
		"token": "sh",
	}} with input as m
}
