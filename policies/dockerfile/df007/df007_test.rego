package dockerfile.df007_test

import data.dockerfile.df007
import data.lib.dockerfile_test as df

# _with_builder is the standard's Dockerfile with another builder stage.
_with_builder(instructions) := df.model({}, [
	df.stage("builder", "golang:1.21-alpine", instructions),
	df.stage("", "scratch", df.standard_final_instructions),
])

_build(cmd) := [df.workdir("/app"), df.copy([".", "."]), df.run(cmd)]

test_allow_standard if {
	count(df007.deny) == 0 with input as df.standard
}

test_allow_compliant if {
	count(df007.deny) == 0 with input as df.compliant
}

test_allow_cgo_off_on_the_run_line if {
	every cmd in [
		"CGO_ENABLED=0 go build -o main ./cmd/server",
		"env CGO_ENABLED=0 GOOS=linux go build -o main ./cmd/server",
		"export CGO_ENABLED=0 && go build -o main ./cmd/server",
		"go env -w CGO_ENABLED=0 && go build -o main ./cmd/server",
		"CGO_ENABLED='0' go build -o /app/main ./cmd/server",
	] {
		count(df007.deny) == 0 with input as _with_builder(_build(cmd))
	}
}

test_allow_cgo_off_from_env_or_arg if {
	every set in [df.env([["CGO_ENABLED", "0"], ["GOOS", "linux"]]), df.arg("CGO_ENABLED", "0"), df.run("go env -w CGO_ENABLED=0")] {
		count(df007.deny) == 0 with input as _with_builder(array.concat([set], _build("go build -o main ./cmd/server")))
	}
}

test_allow_env_inherited_from_base_stage if {
	m := df.model({}, [
		df.stage("gobase", "golang:1.21-alpine", [df.env([["CGO_ENABLED", "0"]])]),
		df.stage("builder", "gobase", _build("go build -o main ./cmd/server")),
		df.stage("", "scratch", df.standard_final_instructions),
	])
	count(df007.deny) == 0 with input as m
}

test_allow_only_the_copied_binary_is_judged if {
	m := _with_builder(array.concat(
		_build("go build -o /usr/local/bin/gen ./tools/gen"),
		[df.run("CGO_ENABLED=0 go build -o main ./cmd/server")],
	))
	count(df007.deny) == 0 with input as m
}

test_allow_stage_without_go_build if {
	m := df.model({}, [
		df.stage("builder", "rust:1.77", [df.run("cargo build --release")]),
		df.stage("", "scratch", [df.copy_from("builder", ["/app/target/release/app", "/app"])]),
	])
	count(df007.deny) == 0 with input as m
}

test_allow_not_scratch if {
	m := df.model({}, [
		df.stage("builder", "golang:1.21", _build("go build -o main ./cmd/server")),
		df.stage("", "debian:12-slim", [df.copy_from("builder", ["/app/main", "/main"])]),
	])
	count(df007.deny) == 0 with input as m
}

test_deny_builder_without_cgo_off if {
	df007.deny == {{
		"msg": "COPY --from=builder puts /app/main on scratch, but stage builder runs go build without CGO_ENABLED=0, so the binary may need libc and cannot start: write RUN CGO_ENABLED=0 go build ...",
		"path": ["stages", 1, "instructions", 2],
		"token": "/app/main",
	}} with input as _with_builder(_build("GOOS=linux go build -o main ./cmd/server"))
}

test_deny_run_line_overrides_env if {
	m := _with_builder(array.concat([df.env([["CGO_ENABLED", "0"]])], _build("CGO_ENABLED=1 go build -o main ./cmd/server")))
	count(df007.deny) == 1 with input as m
}

test_deny_later_env_overrides if {
	m := _with_builder(array.concat([df.env([["CGO_ENABLED", "0"]]), df.env([["CGO_ENABLED", "1"]])], _build("go build -o main ./cmd/server")))
	count(df007.deny) == 1 with input as m
}

test_deny_arg_of_base_stage_does_not_reach_builder if {
	m := df.model({}, [
		df.stage("gobase", "golang:1.21-alpine", [df.arg("CGO_ENABLED", "0")]),
		df.stage("builder", "gobase", _build("go build -o main ./cmd/server")),
		df.stage("", "scratch", df.standard_final_instructions),
	])
	count(df007.deny) == 1 with input as m
}

test_deny_copy_from_stage_index if {
	m := df.model({}, [
		df.stage("", "golang:1.21-alpine", _build("go build -o /out/server ./cmd/server")),
		df.stage("", "scratch", [df.copy_from("0", ["/out/server", "/server"]), df.entrypoint(["/server"])]),
	])
	df007.deny == {{
		"msg": "COPY --from=0 puts /out/server on scratch, but stage 0 runs go build without CGO_ENABLED=0, so the binary may need libc and cannot start: write RUN CGO_ENABLED=0 go build ...",
		"path": ["stages", 1, "instructions", 0],
		"token": "/out/server",
	}} with input as m
}

test_deny_build_without_output_flag if {
	m := df.model({}, [
		df.stage("builder", "golang:1.21-alpine", _build("go build ./cmd/server")),
		df.stage("", "scratch", [
			df.copy_from("builder", ["/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/certs/"]),
			df.copy_from("builder", ["/app/server", "/server"]),
		]),
	])
	df007.deny == {{
		"msg": "COPY --from=builder puts /app/server on scratch, but stage builder runs go build without CGO_ENABLED=0, so the binary may need libc and cannot start: write RUN CGO_ENABLED=0 go build ...",
		"path": ["stages", 1, "instructions", 1],
		"token": "/app/server",
	}} with input as m
}

test_deny_build_in_base_stage_of_the_copied_stage if {
	m := df.model({}, [
		df.stage("build", "golang:1.21-alpine", _build("go build -o /bin/app .")),
		df.stage("test", "build", [df.run("go test ./...")]),
		df.stage("", "scratch", [df.copy_from("test", ["/bin/app", "/app"])]),
	])
	df007.deny == {{
		"msg": "COPY --from=test puts /bin/app on scratch, but stage build runs go build without CGO_ENABLED=0, so the binary may need libc and cannot start: write RUN CGO_ENABLED=0 go build ...",
		"path": ["stages", 2, "instructions", 0],
		"token": "/bin/app",
	}} with input as m
}
