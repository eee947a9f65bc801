package dockerfile.exm002_test

import data.dockerfile.exm002
import data.lib.dockerfile_test as df

test_allow_reasons_given if {
	m := df.model({}, [df.commented(
		df.stage("", "alpine:3.19", [
			df.commented(df.run("apk add git"), ["slotcheck:ignore DF010 debug image keeps the apk index (SLOT-123)"]),
			df.commented(df.add(["config.yaml", "/etc/app/"]), [" slotcheck:ignore DF012,DF010 legacy layout"]),
		]),
		["slotcheck:ignore DF001 vendor base image required by the licence"],
	)])
	count(exm002.deny) == 0 with input as m
}

test_allow_no_comments if {
	count(exm002.deny) == 0 with input as df.standard
}

test_allow_ordinary_comments if {
	m := df.model({}, [df.stage("", "alpine:3.19", [df.commented(df.run("true"), ["slotcheck is run in CI", "ignore this line"])])])
	count(exm002.deny) == 0 with input as m
}

test_deny_no_reason if {
	m := df.model({}, [df.stage("", "alpine:3.19", [df.workdir("/app"), df.commented(df.run("apk add git"), ["slotcheck:ignore DF010"])])])
	exm002.deny == {{
		"msg": "# slotcheck:ignore DF010 gives no reason, so it suppresses nothing: write why after the rule id (# slotcheck:ignore DF010 <reason>), or remove it",
		"path": ["stages", 0, "instructions", 1],
	}} with input as m
}

test_deny_on_from if {
	m := df.model({}, [df.commented(df.stage("", "alpine", []), [" slotcheck:ignore df004,DF001  "])])
	exm002.deny == {{
		"msg": "# slotcheck:ignore df004,DF001 gives no reason, so it suppresses nothing: write why after the rule id (# slotcheck:ignore DF004,DF001 <reason>), or remove it",
		"path": ["stages", 0],
	}} with input as m
}

test_deny_no_rule_id if {
	m := df.model({}, [df.stage("", "alpine:3.19", [df.commented(df.run("apk add git"), ["slotcheck:ignore because the cache is wanted"])])])
	exm002.deny == {{
		"msg": "# slotcheck:ignore because the cache is wanted names no rule id, so it suppresses nothing: write # slotcheck:ignore <ID> <reason>, or remove it",
		"path": ["stages", 0, "instructions", 0],
	}} with input as m
}
