package dockerfile.df004_test

import data.dockerfile.df004
import data.lib.dockerfile_test as df

_digest := "sha256:4bcff63911fcb4448bd4fdacec207030997caf25e9bea4045fa6c8c44de311d1"

_single(base, image) := df.model({}, [df.stage_image("", base, image, [])])

test_allow_standard if {
	count(df004.deny) == 0 with input as df.standard
}

test_allow_compliant if {
	count(df004.deny) == 0 with input as df.compliant
}

test_allow_pinned_references if {
	every image in [
		"alpine:3.19", "golang:1.21-alpine", "registry:5000/team/app:v1.2.3",
		sprintf("alpine@%s", [_digest]), sprintf("alpine:latest@%s", [_digest]),
		sprintf("registry:5000/app@%s", [_digest]), "gcr.io/distroless/static-debian12:nonroot",
	] {
		count(df004.deny) == 0 with input as _single(image, image)
	}
}

test_allow_arg_expanded_to_a_tag if {
	count(df004.deny) == 0 with input as df.model({"GO_VERSION": "1.21"}, [df.stage_image("", "golang:${GO_VERSION}-alpine", "golang:1.21-alpine", [])])
}

test_allow_stage_alias_and_platform if {
	builder := object.union(df.stage("builder", "golang:1.21-alpine", []), {"platform": "$BUILDPLATFORM"})
	m := df.model({}, [builder, df.stage("test", "builder", []), df.stage("", "scratch", [])])
	count(df004.deny) == 0 with input as m
}

test_deny_single_stage_golang_latest if {
	df004.deny == {{
		"msg": "FROM golang:latest uses the moving tag latest: pin a version tag or an @sha256 digest",
		"path": ["stages", 0],
		"token": "golang:latest",
	}} with input as _single("golang:latest", "golang:latest")
}

test_deny_no_tag if {
	every image in ["alpine", "registry:5000/app", "docker.io/library/golang", "alpine@sha256:abc"] {
		count(df004.deny) == 1 with input as _single(image, image)
	}
}

test_deny_registry_port_is_not_a_tag if {
	df004.deny == {{
		"msg": "FROM registry:5000/app has no tag, so it pulls latest: pin a version tag or an @sha256 digest",
		"path": ["stages", 0],
		"token": "registry:5000/app",
	}} with input as _single("registry:5000/app", "registry:5000/app")
}

test_deny_arg_expands_to_untagged if {
	m := df.model({"BASE": "alpine"}, [df.stage_image("", "${BASE}", "alpine", [])])
	df004.deny == {{
		"msg": "FROM ${BASE} (alpine) has no tag, so it pulls latest: pin a version tag or an @sha256 digest",
		"path": ["stages", 0],
		"token": "${BASE}",
	}} with input as m
}

test_deny_arg_without_default if {
	m := df.model({"BASE": null}, [df.stage_image("", "${BASE}", "", [])])
	df004.deny == {{
		"msg": "FROM ${BASE} uses a build ARG with no default, so the image is chosen at build time: give the ARG a pinned default, such as ARG BASE=alpine:3.19",
		"path": ["stages", 0],
		"token": "${BASE}",
	}} with input as m
}

test_deny_every_stage if {
	m := df.model({}, [
		df.stage("builder", "golang", []),
		df.stage("tools", "alpine:latest", []),
		df.stage("", "builder", []),
	])
	{v.path | some v in df004.deny} == {["stages", 0], ["stages", 1]} with input as m
}
