package dockerfile.df012_test

import data.dockerfile.df012
import data.lib.dockerfile_test as df

_stage(instructions) := df.model({}, [df.stage("", "alpine:3.19", instructions)])

test_allow_standard if {
	count(df012.deny) == 0 with input as df.standard
}

test_allow_compliant if {
	count(df012.deny) == 0 with input as df.compliant
}

test_allow_remote_and_archive_sources if {
	every args in [
		["https://example.com/tool-1.2.3.tar.gz", "/tmp/"],
		["git@github.com:slotwise/protos.git#v1.2.0", "/protos"],
		["https://github.com/slotwise/protos.git#v1.2.0", "/protos"],
		["rootfs.tar.xz", "/"],
		["vendor.tgz", "/app/"],
	] {
		count(df012.deny) == 0 with input as _stage([df.add(args)])
	}
}

test_deny_add_local_files if {
	df012.deny == {{
		"msg": "ADD of local files (config.yaml): write COPY, which only copies; ADD also fetches URLs and unpacks archives",
		"path": ["stages", 0, "instructions", 1],
		"token": "ADD",
	}} with input as _stage([df.workdir("/app"), df.add(["config.yaml", "/etc/app/"])])
}

test_deny_local_among_archives_in_any_stage if {
	m := df.model({}, [
		df.stage("builder", "golang:1.21-alpine", [df.add(["vendor.tgz", ".", "/src/"])]),
		df.stage("", "scratch", []),
	])
	df012.deny == {{
		"msg": "ADD of local files (.): write COPY, which only copies; ADD also fetches URLs and unpacks archives",
		"path": ["stages", 0, "instructions", 0],
		"token": "ADD",
	}} with input as m
}
