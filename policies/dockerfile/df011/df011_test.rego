package dockerfile.df011_test

import data.dockerfile.df011
import data.lib.dockerfile_test as df

_stage(instructions) := df.model({}, [df.stage("", "alpine:3.19", instructions)])

test_allow_standard if {
	count(df011.deny) == 0 with input as df.standard
}

test_allow_compliant if {
	count(df011.deny) == 0 with input as df.compliant
}

test_allow_names_that_hold_no_credential if {
	every name in [
		"GO_VERSION", "CGO_ENABLED", "PASSWORD_FILE", "DB_PASSWORD_FILE", "TOKEN_PATH", "TOKEN_URL",
		"SECRET_NAME", "TOKEN_TTL", "MAX_TOKENS", "TOKENIZERS_PARALLELISM", "SECRETARY_EMAIL",
	] {
		count(df011.deny) == 0 with input as _stage([df.arg(name, "x"), df.env([[name, "s3cr3t"]])])
	}
}

test_allow_values_that_hold_no_credential if {
	every value in ["/var/secrets/google/key.json", "/run/secrets/db", "true", "off"] {
		count(df011.deny) == 0 with input as _stage([df.env([["GOOGLE_APPLICATION_CREDENTIALS", value]])])
	}
	count(df011.deny) == 0 with input as _stage([df.env([["API_TOKEN", ""]])])
}

test_deny_env_password if {
	df011.deny == {{
		"msg": "ENV DB_PASSWORD looks like a credential, which the image config keeps for anyone who pulls it: pass it with RUN --mount=type=secret at build time, or from a Kubernetes Secret at run time",
		"path": ["stages", 0, "instructions", 0],
		"token": "DB_PASSWORD",
	}} with input as _stage([df.env([["APP_ENV", "production"], ["DB_PASSWORD", "hunter2"]])])
}

test_deny_arg_without_default if {
	m := df.model({}, [df.stage("builder", "node:20-alpine", [df.arg("NPM_TOKEN", null), df.run("npm ci")]), df.stage("", "scratch", [])])
	df011.deny == {{
		"msg": "ARG NPM_TOKEN looks like a credential, which the image history records for every RUN that uses it: pass it with RUN --mount=type=secret at build time, or from a Kubernetes Secret at run time",
		"path": ["stages", 0, "instructions", 0],
		"token": "NPM_TOKEN",
	}} with input as m
}

test_deny_global_arg if {
	m := df.model({"GITHUB_TOKEN": null, "GO_VERSION": "1.21"}, [df.stage("", "golang:1.21-alpine", [])])
	df011.deny == {{
		"msg": "global ARG GITHUB_TOKEN looks like a credential, which the image history records for every RUN that uses it: pass it with RUN --mount=type=secret at build time, or from a Kubernetes Secret at run time",
		"path": [],
		"token": "GITHUB_TOKEN",
	}} with input as m
}

test_deny_credential_names if {
	every name in [
		"PASSWORD", "db_password", "dbPassword", "MYSQL_ROOT_PASSWD", "JWT_SECRET", "AWS_SECRET_ACCESS_KEY",
		"SECRET_KEY_BASE", "GITHUB_TOKEN", "accessToken", "STRIPE_API_KEY", "openai-api-key", "SENDGRID_APIKEY",
		"SSH_PRIVATE_KEY", "AWS_CREDENTIALS",
	] {
		count(df011.deny) == 1 with input as _stage([df.arg(name, "abc123")])
	}
}

test_deny_every_stage if {
	m := df.model({}, [
		df.stage("builder", "golang:1.21-alpine", [df.arg("GOPROXY_TOKEN", "abc")]),
		df.stage("", "scratch", [df.env([["API_KEY", "abc"]])]),
	])
	{v.path | some v in df011.deny} == {["stages", 0, "instructions", 0], ["stages", 1, "instructions", 0]} with input as m
}
