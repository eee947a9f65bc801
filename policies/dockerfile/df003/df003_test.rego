package dockerfile.df003_test

import data.dockerfile.df003
import data.lib.dockerfile_test as df

_full := {"interval": "30s", "timeout": "3s", "start-period": "5s", "retries": "3"}

test_allow_standard if {
	count(df003.deny) == 0 with input as df.standard
}

test_allow_compliant if {
	count(df003.deny) == 0 with input as df.compliant
}

test_allow_inherited_from_base_stage if {
	m := df.model({}, [
		df.stage("runtime", "scratch", [df.healthcheck(_full, ["/main", "healthcheck"])]),
		df.stage("", "runtime", [df.copy(["main", "/main"])]),
	])
	count(df003.deny) == 0 with input as m
}

test_allow_later_healthcheck_wins if {
	m := df.model({}, [
		df.stage("runtime", "alpine:3.19", [df.healthcheck_none]),
		df.stage("", "runtime", [df.healthcheck(_full, ["/main", "healthcheck"])]),
	])
	count(df003.deny) == 0 with input as m
}

# On scratch the ENTRYPOINT's binary is the only program there to check itself.
test_deny_missing_suggests_the_scratch_binary if {
	m := df.model({}, [df.standard_builder, df.stage("", "scratch", [
		df.copy_from("builder", ["/app/main", "/server"]),
		df.entrypoint(["/server"]),
	])])
	df003.deny == {{
		"msg": "the final stage has no HEALTHCHECK: add HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 CMD [\"/server\", \"healthcheck\"]",
		"path": ["stages", 1],
	}} with input as m
}

# Elsewhere the health command of what runs is not known: nginx, alpine, a
# .NET runtime, a scratch image whose binary takes arguments.
test_deny_missing_suggests_a_generic_check if {
	generic := "the final stage has no HEALTHCHECK: add HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 CMD <a command that exits 0 only while the service is healthy>"
	finals := [
		df.stage("", "nginx:1.27.3-alpine", [df.copy(["site", "/usr/share/nginx/html"])]),
		df.stage("", "alpine:3.19", [df.entrypoint(["/main"])]),
		df.stage("", "mcr.microsoft.com/dotnet/aspnet:8.0", [df.entrypoint(["dotnet", "App.dll"])]),
		df.stage("", "scratch", [df.copy_from("builder", ["/app/main", "/main"])]),
		df.stage("", "scratch", [df.entrypoint(["/main", "serve"])]),
	]
	every final in finals {
		df003.deny == {{"msg": generic, "path": ["stages", 1]}} with input as df.model({}, [df.standard_builder, final])
	}
}

test_deny_builder_healthcheck_does_not_reach_final if {
	m := df.model({}, [
		df.stage("builder", "golang:1.21-alpine", [df.healthcheck(_full, ["true"])]),
		df.stage("", "scratch", [df.copy_from("builder", ["/app/main", "/main"])]),
	])
	count(df003.deny) == 1 with input as m
}

test_deny_missing_flags if {
	m := df.model({}, [df.stage("", "scratch", [df.healthcheck({"interval": "30s", "timeout": "3s"}, ["/main", "healthcheck"])])])
	df003.deny == {{
		"msg": "HEALTHCHECK lacks --start-period, --retries: set --interval, --timeout, --start-period and --retries",
		"path": ["stages", 0, "instructions", 0],
	}} with input as m
}

test_deny_none if {
	m := df.model({}, [
		df.stage("runtime", "alpine:3.19", [df.healthcheck(_full, ["/main", "healthcheck"])]),
		df.stage("", "runtime", [df.healthcheck_none]),
	])
	df003.deny == {{
		"msg": "HEALTHCHECK NONE turns the health check off: write HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 CMD [...]",
		"path": ["stages", 1, "instructions", 0],
		"token": "NONE",
	}} with input as m
}
