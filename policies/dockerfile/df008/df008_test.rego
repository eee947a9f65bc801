package dockerfile.df008_test

import data.dockerfile.df008
import data.lib.dockerfile_test as df

test_allow_standard if {
	count(df008.deny) == 0 with input as df.standard
}

test_allow_compliant if {
	count(df008.deny) == 0 with input as df.compliant
}

test_allow_no_expose if {
	m := df.model({}, [df.standard_builder, df.stage("", "scratch", [df.copy_from("builder", ["/app/main", "/main"])])])
	count(df008.deny) == 0 with input as m
}

test_allow_not_scratch if {
	m := df.model({}, [df.standard_builder, df.stage("", "alpine:3.19", [df.copy_from("builder", ["/app/main", "/main"]), df.expose("8080")])])
	count(df008.deny) == 0 with input as m
}

test_allow_certificates_from_base_stage if {
	m := df.model({}, [
		df.standard_builder,
		df.stage("runtime", "scratch", [df.copy_from("builder", ["/etc/ssl/certs/", "/etc/ssl/certs/"])]),
		df.stage("", "runtime", [df.copy_from("builder", ["/app/main", "/main"]), df.expose("8080")]),
	])
	count(df008.deny) == 0 with input as m
}

test_deny_service_without_certificates if {
	m := df.model({}, [df.standard_builder, df.stage("", "scratch", [df.copy_from("builder", ["/app/main", "/main"]), df.expose("8080")])])
	df008.deny == {{
		"msg": "the scratch image EXPOSEs a port but has no CA certificates, so TLS calls fail: COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/",
		"path": ["stages", 1],
	}} with input as m
}

test_deny_certificates_only_in_builder if {
	m := df.model({}, [
		df.standard_builder,
		df.stage("", "scratch", [df.copy_from("builder", ["/usr/share/zoneinfo", "/usr/share/zoneinfo"]), df.expose("8080")]),
	])
	count(df008.deny) == 1 with input as m
}
