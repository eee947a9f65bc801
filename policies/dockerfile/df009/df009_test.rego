package dockerfile.df009_test

import data.dockerfile.df009
import data.lib.dockerfile_test as df

_single(instructions) := df.model({}, [df.stage("builder", "golang:1.21-alpine", instructions), df.stage("", "scratch", [])])

test_allow_standard if {
	count(df009.deny) == 0 with input as df.standard
}

test_allow_compliant if {
	count(df009.deny) == 0 with input as df.compliant
}

test_allow_bind_mounted_go_mod if {
	download := object.union(
		df.run("go mod download -x"),
		{
			"original": "RUN --mount=type=cache,target=/go/pkg/mod/ --mount=type=bind,source=go.sum,target=go.sum --mount=type=bind,source=go.mod,target=go.mod go mod download -x",
			"flags": {"mount": "type=bind,source=go.mod,target=go.mod"},
		},
	)
	count(df009.deny) == 0 with input as _single([download, df.copy([".", "."]), df.run("CGO_ENABLED=0 go build -o /main .")])
}

test_allow_go_mod_glob if {
	count(df009.deny) == 0 with input as _single([df.copy(["go.*", "./"]), df.run("go mod download"), df.copy(["./", "./"]), df.run("go build -o /main .")])
}

test_allow_stage_without_go if {
	count(df009.deny) == 0 with input as df.model({}, [df.stage("", "node:20-alpine", [df.copy([".", "."]), df.run("npm ci")])])
}

test_deny_copy_all_first if {
	m := _single([df.workdir("/app"), df.copy([".", "."]), df.run("go mod download"), df.run("CGO_ENABLED=0 go build -o /main .")])
	df009.deny == {{
		"msg": "the whole build context is copied before go.mod is copied and go mod download runs, so every source change downloads the modules again: COPY go.mod go.sum ./ and RUN go mod download before it",
		"path": ["stages", 0, "instructions", 1],
	}} with input as m
}

test_deny_go_mod_copied_without_download if {
	m := _single([df.copy(["go.mod", "go.sum", "./"]), df.add([".", "/src"]), df.run("go build -o /main .")])
	df009.deny == {{
		"msg": "the whole build context is copied before go.mod is copied and go mod download runs, so every source change downloads the modules again: COPY go.mod go.sum ./ and RUN go mod download before it",
		"path": ["stages", 0, "instructions", 1],
	}} with input as m
}

test_deny_download_before_go_mod_copy if {
	m := _single([df.run("go mod download"), df.copy(["go.mod", "./"]), df.copy(["./", "./"]), df.run("go build -o /main .")])
	count(df009.deny) == 1 with input as m
}
