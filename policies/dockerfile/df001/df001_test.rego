package dockerfile.df001_test

import data.dockerfile.df001
import data.lib.dockerfile_test as df

test_allow_standard if {
	count(df001.deny) == 0 with input as df.standard
}

test_allow_compliant if {
	count(df001.deny) == 0 with input as df.compliant
}

test_allow_final_reaches_scratch_through_a_stage if {
	m := df.model({}, [
		df.stage("builder", "golang:1.21-alpine", [df.run("CGO_ENABLED=0 go build -o /main .")]),
		df.stage("runtime", "scratch", [df.copy_from("builder", ["/main", "/main"])]),
		df.stage("", "runtime", [df.user("65532")]),
	])
	count(df001.deny) == 0 with input as m
}

test_allow_no_dockerfile_stages if {
	count(df001.deny) == 0 with input as {"dockerfile": {"file": "Dockerfile", "args": {}, "stages": []}}
}

test_deny_single_stage_golang_latest if {
	df001.deny == {{
		"msg": "the final image is based on golang:latest, not scratch: build in a builder stage and ship a final stage FROM scratch that copies only the binary",
		"path": ["stages", 0],
		"token": "golang:latest",
	}} with input as df.model({}, [df.stage("", "golang:latest", [df.run("go build -o /main .")])])
}

test_deny_final_alpine_after_builder if {
	m := df.model({}, [df.standard_builder, df.stage("", "alpine:3.19", df.standard_final_instructions)])
	df001.deny == {{
		"msg": "the final image is based on alpine:3.19, not scratch: build in a builder stage and ship a final stage FROM scratch that copies only the binary",
		"path": ["stages", 1],
		"token": "alpine:3.19",
	}} with input as m
}

test_deny_final_built_from_a_non_scratch_stage if {
	m := df.model({}, [
		df.stage("builder", "golang:1.21-alpine", [df.run("CGO_ENABLED=0 go build -o /main .")]),
		df.stage("", "builder", [df.user("65532")]),
	])
	df001.deny == {{
		"msg": "the final image is based on golang:1.21-alpine, not scratch: build in a builder stage and ship a final stage FROM scratch that copies only the binary",
		"path": ["stages", 1],
		"token": "builder",
	}} with input as m
}

test_deny_single_stage_scratch if {
	df001.deny == {{
		"msg": "single-stage build FROM scratch: build the binary in a builder stage of this Dockerfile and COPY --from it into the final scratch stage",
		"path": ["stages", 0],
		"token": "scratch",
	}} with input as df.model({}, [df.stage("", "scratch", [df.copy(["main", "/main"])])])
}

_distroless := {"dockerfile": {"finalBases": ["scratch", "gcr.io/distroless/static-debian12"]}}

test_allow_configured_base_any_tag if {
	m := df.model({}, [df.standard_builder, df.stage("", "gcr.io/distroless/static-debian12:nonroot", df.standard_final_instructions)])
	count(df001.deny) == 0 with input as object.union(m, {"config": _distroless})
}

test_allow_configured_base_with_scratch_still_allowed if {
	count(df001.deny) == 0 with input as object.union(df.standard, {"config": _distroless})
}

test_deny_base_not_configured if {
	m := df.model({}, [df.standard_builder, df.stage("", "gcr.io/distroless/base-debian12", df.standard_final_instructions)])
	df001.deny == {{
		"msg": "the final image is based on gcr.io/distroless/base-debian12, not scratch or gcr.io/distroless/static-debian12: build in a builder stage and ship a final stage FROM scratch that copies only the binary",
		"path": ["stages", 1],
		"token": "gcr.io/distroless/base-debian12",
	}} with input as object.union(m, {"config": _distroless})
}

test_deny_scratch_when_configuration_leaves_it_out if {
	count(df001.deny) == 1 with input as object.union(df.standard, {"config": {"dockerfile": {"finalBases": ["gcr.io/distroless/static-debian12"]}}})
}

test_deny_single_stage_configured_base if {
	m := df.model({}, [df.stage("", "gcr.io/distroless/static-debian12", [df.copy(["main", "/main"])])])
	df001.deny == {{
		"msg": "single-stage build FROM gcr.io/distroless/static-debian12: build the binary in a builder stage of this Dockerfile and COPY --from it into the final gcr.io/distroless/static-debian12 stage",
		"path": ["stages", 0],
		"token": "gcr.io/distroless/static-debian12",
	}} with input as object.union(m, {"config": _distroless})
}
