package dockerfile.acme002_test

import data.dockerfile.acme002
import data.lib.dockerfile_test as df

test_allow_standard if {
	count(acme002.deny) == 0 with input as df.standard
}

test_deny_maintainer if {
	m := df.model({}, [df.stage("", "scratch", [df.instruction("maintainer", "MAINTAINER ops@example.com", ["ops@example.com"])])])
	count(acme002.deny) == 1 with input as m
}
