package dockerfile.df006_test

import data.dockerfile.df006
import data.lib.dockerfile_test as df

test_allow_standard if {
	count(df006.deny) == 0 with input as df.standard
}

test_allow_compliant if {
	count(df006.deny) == 0 with input as df.compliant
}

test_allow_inherited_expose if {
	m := df.model({}, [
		df.stage("runtime", "scratch", [df.expose("8080")]),
		df.stage("", "runtime", [df.copy(["main", "/main"])]),
	])
	count(df006.deny) == 0 with input as m
}

test_deny_no_expose if {
	df006.deny == {{
		"msg": "the final stage EXPOSEs no port: add EXPOSE with the port the service listens on, such as EXPOSE 8080",
		"path": ["stages", 0],
	}} with input as df.model({}, [df.stage("", "golang:latest", [df.run("go build -o /main .")])])
}

test_deny_expose_only_in_builder if {
	m := df.model({}, [
		df.stage("builder", "golang:1.21-alpine", [df.expose("8080")]),
		df.stage("", "scratch", [df.copy_from("builder", ["/main", "/main"])]),
	])
	df006.deny == {{
		"msg": "the final stage EXPOSEs no port: add EXPOSE with the port the service listens on, such as EXPOSE 8080",
		"path": ["stages", 1],
	}} with input as m
}
