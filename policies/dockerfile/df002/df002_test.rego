package dockerfile.df002_test

import data.dockerfile.df002
import data.lib.dockerfile_test as df

_scratch_with(instructions) := df.model({}, [
	df.stage("builder", "golang:1.21-alpine", [df.run("CGO_ENABLED=0 go build -o /main .")]),
	df.stage("", "scratch", array.concat([df.copy_from("builder", ["/main", "/main"])], instructions)),
])

test_allow_compliant if {
	count(df002.deny) == 0 with input as df.compliant
}

test_allow_numeric_user_on_scratch if {
	every u in ["65532", "65532:65532", "10001:0", "nobody:nogroup"] {
		count(df002.deny) == 0 with input as df.model({}, [df.stage("", "alpine:3.19", [df.user(u)])])
	}
	count(df002.deny) == 0 with input as _scratch_with([df.user("65532:65532")])
}

test_allow_builder_root_final_non_root if {
	m := df.model({}, [
		df.stage("builder", "golang:1.21-alpine", [df.user("root"), df.run("CGO_ENABLED=0 go build -o /main .")]),
		df.stage("", "scratch", [df.copy_from("builder", ["/main", "/main"]), df.user("10001")]),
	])
	count(df002.deny) == 0 with input as m
}

test_allow_user_inherited_from_base_stage if {
	m := df.model({}, [
		df.stage("runtime", "alpine:3.19", [df.run("adduser -D app"), df.user("app")]),
		df.stage("", "runtime", [df.copy(["main", "/main"]), df.entrypoint(["/main"])]),
	])
	count(df002.deny) == 0 with input as m
}

test_allow_later_user_wins if {
	m := df.model({}, [df.stage("", "alpine:3.19", [df.user("root"), df.run("apk add --no-cache curl"), df.user("app")])])
	count(df002.deny) == 0 with input as m
}

test_allow_user_from_arg if {
	m := df.model({}, [df.stage("", "alpine:3.19", [df.arg("UID", "10001"), df.user("${UID}:${UID}")])])
	count(df002.deny) == 0 with input as m
}

test_deny_standard_has_no_user if {
	df002.deny == {{
		"msg": "the final stage sets no USER, so the container runs as root: add USER with a non-root user, such as USER 65532:65532",
		"path": ["stages", 1],
	}} with input as df.standard
}

test_deny_root_after_named_user if {
	m := df.model({}, [df.stage("", "alpine:3.19", [df.user("app"), df.run("apk add --no-cache curl"), df.user("0:0")])])
	df002.deny == {{
		"msg": "USER 0:0 runs the shipped image as root: give a non-root user, such as USER 65532:65532",
		"path": ["stages", 0, "instructions", 2],
		"token": "0:0",
	}} with input as m
}

test_deny_root_forms if {
	every u in ["root", "0", "0:0", "root:root", "0:1000", "ROOT:app", "00"] {
		count(df002.deny) == 1 with input as df.model({}, [df.stage("", "alpine:3.19", [df.user(u)])])
	}
}

test_deny_final_stage_overrides_inherited_user if {
	m := df.model({}, [
		df.stage("runtime", "alpine:3.19", [df.user("app")]),
		df.stage("", "runtime", [df.user("root")]),
	])
	df002.deny == {{
		"msg": "USER root runs the shipped image as root: give a non-root user, such as USER 65532:65532",
		"path": ["stages", 1, "instructions", 0],
		"token": "root",
	}} with input as m
}

test_deny_inherits_root_from_base_stage if {
	m := df.model({}, [
		df.stage("runtime", "alpine:3.19", [df.user("root")]),
		df.stage("", "runtime", [df.entrypoint(["/main"])]),
	])
	df002.deny == {{
		"msg": "USER root runs the shipped image as root: give a non-root user, such as USER 65532:65532",
		"path": ["stages", 0, "instructions", 0],
		"token": "root",
	}} with input as m
}

test_deny_builder_user_does_not_reach_final if {
	m := df.model({}, [
		df.stage("builder", "golang:1.21-alpine", [df.user("app")]),
		df.stage("", "scratch", [df.copy_from("builder", ["/main", "/main"])]),
	])
	df002.deny == {{
		"msg": "the final stage sets no USER, so the container runs as root: add USER with a non-root user, such as USER 65532:65532",
		"path": ["stages", 1],
	}} with input as m
}

test_deny_named_user_on_scratch_without_passwd if {
	df002.deny == {{
		"msg": "USER appuser names a user, but the scratch image has no /etc/passwd to resolve it: COPY --from=builder /etc/passwd /etc/passwd, or give a numeric UID",
		"path": ["stages", 1, "instructions", 1],
		"token": "appuser",
	}} with input as _scratch_with([df.user("appuser")])
}

test_deny_user_variable_without_value if {
	m := df.model({}, [df.stage("", "alpine:3.19", [df.arg("APP_USER", null), df.user("$APP_USER")])])
	df002.deny == {{
		"msg": "USER $APP_USER uses a variable with no value, so the user is chosen at build time: give the ARG a non-root default or write the user",
		"path": ["stages", 0, "instructions", 1],
		"token": "$APP_USER",
	}} with input as m
}

test_deny_unresolved_user_on_scratch_reported_once if {
	df002.deny == {{
		"msg": "USER ${APP_UID} uses a variable with no value, so the user is chosen at build time: give the ARG a non-root default or write the user",
		"path": ["stages", 1, "instructions", 2],
		"token": "${APP_UID}",
	}} with input as _scratch_with([df.arg("APP_UID", null), df.user("${APP_UID}")])
}

test_deny_user_arg_defaults_to_root if {
	m := df.model({"RUN_AS": "root"}, [df.stage("", "alpine:3.19", [df.arg("RUN_AS", null), df.user("${RUN_AS}")])])
	count(df002.deny) == 1 with input as m
}
