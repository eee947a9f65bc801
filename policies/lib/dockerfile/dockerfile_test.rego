package lib.dockerfile_test

import data.lib.dockerfile

# Model builders shared by the Dockerfile rule tests: they write input.dockerfile
# the way slotcheck's Go side does (policies/README.md, "Dockerfile rules"), so a
# test reads like the Dockerfile it stands for.

# model is the input for a Dockerfile: its global ARGs and its stages.
model(global_args, stages) := {"dockerfile": {
	"file": "Dockerfile",
	"args": global_args,
	"stages": [_place(stages, i, s) | some i, s in stages],
}}

# _place numbers a stage, resolves FROM <stage> and gives every line a number.
_place(stages, i, s) := object.union(s, {
	"index": i,
	"from_stage": _from_stage(stages, i, s),
	"final": i == (count(stages) - 1),
	"line": (100 * i) + 1,
	"end_line": (100 * i) + 1,
	"instructions": [object.union(ins, {"line": ((100 * i) + j) + 2, "end_line": ((100 * i) + j) + 2}) |
		some j, ins in s.instructions
	],
})

# A FROM that names an earlier stage is built from it (BuildKit compares in lower case).
_from_stage(stages, i, s) := max(earlier) if {
	earlier := {k | some k, other in stages; k < i; other.name != ""; other.name == lower(s.base)}
	count(earlier) > 0
} else := -1

# stage is `FROM <base> [AS <name>]` with its instructions; the image is the base
# as written (no ARG in it).
stage(name, base, instructions) := stage_image(name, base, base, instructions)

# stage_image is a stage whose base uses ARGs: image is the base once expanded.
stage_image(name, base, image, instructions) := {
	"index": 0,
	"name": lower(name),
	"base": base,
	"image": image,
	"from_stage": -1,
	"scratch": lower(base) == "scratch",
	"platform": "",
	"final": false,
	"line": 0,
	"end_line": 0,
	"comments": [],
	"instructions": instructions,
}

instruction(kind, original, args) := {
	"kind": kind,
	"original": original,
	"args": args,
	"exec_form": false,
	"flags": {},
	"vars": [],
	"heredocs": [],
	"comments": [],
	"line": 0,
	"end_line": 0,
}

run(cmd) := instruction("run", concat(" ", ["RUN", cmd]), [cmd])

run_heredoc(content) := object.union(
	instruction("run", "RUN <<EOF", ["<<EOF"]),
	{"heredocs": [{"name": "EOF", "content": content}]},
)

copy(args) := instruction("copy", concat(" ", array.concat(["COPY"], args)), args)

copy_from(from, args) := object.union(
	instruction("copy", concat(" ", array.concat(["COPY", sprintf("--from=%s", [from])], args)), args),
	{"flags": {"from": from}},
)

add(args) := instruction("add", concat(" ", array.concat(["ADD"], args)), args)

workdir(dir) := instruction("workdir", concat(" ", ["WORKDIR", dir]), [dir])

user(name) := instruction("user", concat(" ", ["USER", name]), [name])

expose(port) := instruction("expose", concat(" ", ["EXPOSE", port]), [port])

# env is ENV with [key, value] pairs.
env(pairs) := object.union(
	instruction("env", concat(" ", array.concat(["ENV"], items)), items),
	{"vars": [{"key": p[0], "value": p[1]} | some p in pairs]},
) if {
	items := [sprintf("%s=%s", [p[0], p[1]]) | some p in pairs]
}

# arg is ARG key[=value]; value null for an ARG without default.
arg(key, value) := object.union(
	instruction("arg", concat(" ", ["ARG", item]), [item]),
	{"vars": [{"key": key, "value": value}]},
) if {
	item := _arg_item(key, value)
}

_arg_item(key, value) := sprintf("%s=%s", [key, value]) if is_string(value)

_arg_item(key, value) := key if not is_string(value)

# healthcheck is HEALTHCHECK with --name=value flags and an exec-form CMD.
healthcheck(flags, cmd) := object.union(
	instruction(
		"healthcheck",
		concat(" ", array.concat(
			array.concat(["HEALTHCHECK"], [sprintf("--%s=%s", [k, v]) | some k, v in flags]),
			["CMD", json.marshal(cmd)],
		)),
		array.concat(["CMD"], cmd),
	),
	{"flags": flags, "exec_form": true},
)

healthcheck_none := instruction("healthcheck", "HEALTHCHECK NONE", ["NONE"])

entrypoint(items) := object.union(
	instruction("entrypoint", concat(" ", ["ENTRYPOINT", json.marshal(items)]), items),
	{"exec_form": true},
)

entrypoint_shell(cmd) := instruction("entrypoint", concat(" ", ["ENTRYPOINT", cmd]), [cmd])

cmd(items) := object.union(
	instruction("cmd", concat(" ", ["CMD", json.marshal(items)]), items),
	{"exec_form": true},
)

cmd_shell(text) := instruction("cmd", concat(" ", ["CMD", text]), [text])

# commented puts comment lines (without "#") right above an instruction or a FROM.
commented(node, lines) := object.union(node, {"comments": lines})

# --- The standard's Dockerfile (deployment-standards.md, Containerization Standards) ---

standard_builder := stage("builder", "golang:1.21-alpine", [
	run("apk add --no-cache git ca-certificates tzdata"),
	workdir("/app"),
	copy(["go.mod", "go.sum", "./"]),
	run("go mod download"),
	copy([".", "."]),
	run(`CGO_ENABLED=0 GOOS=linux go build     -ldflags='-w -s -extldflags "-static"'     -o main ./cmd/server`),
])

standard_final_instructions := [
	copy_from("builder", ["/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/certs/"]),
	copy_from("builder", ["/usr/share/zoneinfo", "/usr/share/zoneinfo"]),
	copy_from("builder", ["/app/main", "/main"]),
	expose("8080"),
	healthcheck({"interval": "30s", "timeout": "3s", "start-period": "5s", "retries": "3"}, ["/main", "healthcheck"]),
	entrypoint(["/main"]),
]

standard := model({}, [standard_builder, stage("", "scratch", standard_final_instructions)])

# compliant is the standard's Dockerfile with the non-root user of its Container
# Security section: a user created in the builder, /etc/passwd copied, USER set.
compliant_builder := stage("builder", "golang:1.21-alpine", array.concat(
	[run("adduser -D -u 10001 appuser")],
	standard_builder.instructions,
))

compliant_final := stage("", "scratch", array.concat(
	array.concat([copy_from("builder", ["/etc/passwd", "/etc/passwd"])], standard_final_instructions),
	[user("appuser")],
))

compliant := model({}, [compliant_builder, compliant_final])

# --- Tests of the helpers ------------------------------------------------------------

test_final_chain_follows_from_stage if {
	m := model({}, [
		stage("base", "alpine:3.19", [user("app")]),
		stage("tools", "golang:1.21", []),
		stage("runtime", "base", [expose("80")]),
		stage("", "runtime", []),
	])
	dockerfile.final_chain == [3, 2, 0] with input as m
	dockerfile.chain_root(3) == 0 with input as m
	[e.path | some e in dockerfile.final_entries] == [["stages", 0, "instructions", 0], ["stages", 2, "instructions", 0]] with input as m
}

test_final_chain_single_stage if {
	dockerfile.final_chain == [0] with input as model({}, [stage("", "alpine:3.19", [])])
}

test_final_scratch if {
	dockerfile.final_scratch with input as standard
	not dockerfile.final_scratch with input as model({}, [stage("", "alpine:3.19", [])])
}

test_no_stages if {
	not dockerfile.final_index with input as {"dockerfile": {"stages": null, "args": null}}
	not dockerfile.final_index with input as {"dockerfile": null}
}

test_stage_ref if {
	dockerfile.stage_ref("builder") == 0 with input as standard
	dockerfile.stage_ref("Builder") == 0 with input as standard
	dockerfile.stage_ref("1") == 1 with input as standard
	not dockerfile.stage_ref("2") with input as standard
	not dockerfile.stage_ref("alpine:3.19") with input as standard
}

test_var_value_scopes if {
	m := model({"GLOBAL": "g"}, [
		stage("a", "alpine:3.19", [env([["E", "1"]]), arg("A", "x"), arg("GLOBAL", null)]),
		stage("", "a", [env([["E", "2"]]), run("true")]),
	])
	entries := dockerfile.final_entries with input as m
	dockerfile.var_value(entries, 1, "E") == "2" with input as m
	dockerfile.var_value(array.slice(entries, 0, 3), 0, "GLOBAL") == "g" with input as m

	# An ARG of stage a does not reach stage 1.
	not dockerfile.var_value(entries, 1, "A") with input as m
}

test_expand if {
	m := model({}, [stage("", "alpine:3.19", [arg("UID", "10001"), arg("NAME", null), run("true")])])
	entries := dockerfile.final_entries with input as m
	dockerfile.expand("${UID}:$UID", entries, 0) == "10001:10001" with input as m
	dockerfile.expand("${NAME:-app}", entries, 0) == "app" with input as m
	dockerfile.expand("plain", entries, 0) == "plain" with input as m
	not dockerfile.expand("$NAME", entries, 0) with input as m
}

test_commands if {
	dockerfile.commands("apk add git && rm -rf /x; echo a | tee b") == ["apk add git ", " rm -rf /x", " echo a ", " tee b"]
}

test_ignore_comments if {
	m := model({}, [commented(
		stage("", "alpine:3.19", [
			commented(run("apk add git"), [" slotcheck:ignore DF010,df012 cache kept for the debug image"]),
			commented(run("true"), ["slotcheck:ignore DF010"]),
			commented(run("true"), ["slotcheck:ignore because reasons"]),
			commented(run("true"), ["an ordinary comment"]),
		]),
		["slotcheck:ignore DF004 -"],
	)])
	dockerfile.ignore_comments == {
		{"ids": ["DF010", "DF012"], "reason": "cache kept for the debug image", "path": ["stages", 0, "instructions", 0], "text": "slotcheck:ignore DF010,df012 cache kept for the debug image"},
		{"ids": ["DF010"], "reason": "", "path": ["stages", 0, "instructions", 1], "text": "slotcheck:ignore DF010"},
		{"ids": [], "reason": "", "path": ["stages", 0, "instructions", 2], "text": "slotcheck:ignore because reasons"},
		{"ids": ["DF004"], "reason": "", "path": ["stages", 0], "text": "slotcheck:ignore DF004 -"},
	} with input as m
	dockerfile.exemptions == {
		{"id": "DF010", "reason": "cache kept for the debug image", "path": ["stages", 0, "instructions", 0]},
		{"id": "DF012", "reason": "cache kept for the debug image", "path": ["stages", 0, "instructions", 0]},
	} with input as m
}
