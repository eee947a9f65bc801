package dockerfile.df010_test

import data.dockerfile.df010
import data.lib.dockerfile_test as df

_runs(instructions) := df.model({}, [df.stage("", "alpine:3.19", instructions)])

test_allow_standard if {
	count(df010.deny) == 0 with input as df.standard
}

test_allow_compliant if {
	count(df010.deny) == 0 with input as df.compliant
}

test_allow_clean_installs if {
	every cmd in [
		"apk add --no-cache git ca-certificates",
		"apk --no-cache add git",
		"apk update && apk add git && rm -rf /var/cache/apk/*",
		"apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*",
		"apt-get update && apt-get -y install curl && apt-get clean && rm -r /var/lib/apt/lists",
		"echo apk is not run here",
	] {
		count(df010.deny) == 0 with input as _runs([df.run(cmd)])
	}
}

test_allow_cache_mount if {
	run := object.union(df.run("apk add git"), {"original": "RUN --mount=type=cache,target=/var/cache/apk apk add git"})
	count(df010.deny) == 0 with input as _runs([run])
}

test_allow_heredoc_with_no_cache if {
	count(df010.deny) == 0 with input as _runs([df.run_heredoc("set -e\napk add --no-cache \\\n  git\n")])
}

test_deny_apk_add_without_no_cache if {
	df010.deny == {{
		"msg": "apk add without --no-cache leaves the package index in the layer: write apk add --no-cache",
		"path": ["stages", 0, "instructions", 0],
		"token": "apk add",
	}} with input as _runs([df.run("apk update && apk add git")])
}

test_deny_no_cache_on_another_command if {
	count(df010.deny) == 1 with input as _runs([df.run("apk add --no-cache git && apk add curl")])
}

test_deny_heredoc_apk_add if {
	m := df.model({}, [df.stage("builder", "golang:1.21-alpine", [df.run_heredoc("set -e\napk update\napk add git\n")]), df.stage("", "scratch", [])])
	df010.deny == {{
		"msg": "apk add without --no-cache leaves the package index in the layer: write apk add --no-cache",
		"path": ["stages", 0, "instructions", 0],
		"token": "apk add",
	}} with input as m
}

test_deny_apt_get_install_without_cleanup if {
	df010.deny == {{
		"msg": "apt-get install without rm -rf /var/lib/apt/lists/* in the same RUN leaves the package lists in the layer: end the RUN with && rm -rf /var/lib/apt/lists/*",
		"path": ["stages", 0, "instructions", 1],
		"token": "apt-get install",
	}} with input as _runs([df.run("apt-get update"), df.run("apt-get install -y curl && apt-get clean")])
}

test_deny_apt_get_with_options_before_install if {
	m := _runs([df.run("apt-get update && apt-get -y -o Dpkg::Options::=--force-confold install curl")])
	df010.deny == {{
		"msg": "apt-get install without rm -rf /var/lib/apt/lists/* in the same RUN leaves the package lists in the layer: end the RUN with && rm -rf /var/lib/apt/lists/*",
		"path": ["stages", 0, "instructions", 0],
		"token": "apt-get -y -o Dpkg::Options::=--force-confold install",
	}} with input as m
}

test_deny_exec_form if {
	run := object.union(df.instruction("run", `RUN ["apk", "add", "git"]`, ["apk", "add", "git"]), {"exec_form": true})
	count(df010.deny) == 1 with input as _runs([run])
}
