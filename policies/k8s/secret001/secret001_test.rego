package k8s.secret001_test

import data.k8s.secret001

_deployment(env) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"spec": {"containers": [{"name": "api", "image": "api:v1.0.0", "env": env}]}}},
}

_env := ["spec", "template", "spec", "containers", 0, "env"]

_literal(name, value) := {"object": _deployment([{"name": name, "value": value}])}

test_allow_secret_key_ref if {
	env := [
		{"name": "ENVIRONMENT", "value": "production"},
		{"name": "DATABASE_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "api-secrets", "key": "database-password"}}},
	]
	count(secret001.deny) == 0 with input as {"object": _deployment(env)}
}

test_allow_names_that_hold_no_credential if {
	every name in [
		"LOG_LEVEL", "PASSWORD_FILE", "DB_PASSWORD_FILE", "TOKEN_PATH", "TOKEN_URL", "OAUTH_TOKEN_ENDPOINT",
		"SECRET_NAME", "TOKEN_TTL", "PASSWORD_MIN_LENGTH", "TOKEN_TYPE", "CREDENTIALS_DIR", "MAX_TOKENS",
		"TOKENIZERS_PARALLELISM", "SECRETARY_EMAIL", "AWS_SECRETS_MANAGER_REGION",
	] {
		count(secret001.deny) == 0 with input as _literal(name, "s3cr3t-value")
	}
}

test_allow_values_that_hold_no_credential if {
	every value in ["", "$(DB_PASSWORD)", "Bearer $(API_TOKEN)", "true", "False", "/var/secrets/google/key.json", "/run/secrets/db"] {
		count(secret001.deny) == 0 with input as _literal("GOOGLE_APPLICATION_CREDENTIALS", value)
	}
}

test_allow_config_map_for_other_names if {
	env := [{"name": "LOG_LEVEL", "valueFrom": {"configMapKeyRef": {"name": "api-config", "key": "log-level"}}}]
	count(secret001.deny) == 0 with input as {"object": _deployment(env)}
}

test_allow_not_a_workload if {
	count(secret001.deny) == 0 with input as {"object": {"kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"PASSWORD": "x"}}}
}

test_deny_literal_password if {
	env := [{"name": "ENVIRONMENT", "value": "production"}, {"name": "DB_PASSWORD", "value": "hunter2"}]
	secret001.deny == {{
		"msg": "container \"api\" sets credential-like env var \"DB_PASSWORD\" to a literal value: put it in a Secret and use valueFrom.secretKeyRef",
		"path": array.concat(_env, [1, "value"]),
		"container": "api",
	}} with input as {"object": _deployment(env)}
}

test_deny_credential_names if {
	every name in [
		"PASSWORD", "db_password", "dbPassword", "MYSQL_ROOT_PASSWD", "JWT_SECRET", "CLIENT_SECRETS",
		"AWS_SECRET_ACCESS_KEY", "SECRET_KEY_BASE", "MINIO_SECRETKEY", "GITHUB_TOKEN", "accessToken",
		"STRIPE_API_KEY", "openai-api-key", "SENDGRID_APIKEY", "SSH_PRIVATE_KEY", "AWS_CREDENTIALS",
		"TOKEN_SIGNING_KEY", "REQUIRE_PASSWORD",
	] {
		count(secret001.deny) == 1 with input as _literal(name, "s3cr3t-value")
	}
}

test_deny_path_outside_mount_roots if {
	count(secret001.deny) == 1 with input as _literal("API_TOKEN", "/Zx9kAb/cd")
}

test_deny_config_map_key_ref if {
	env := [{"name": "API_TOKEN", "valueFrom": {"configMapKeyRef": {"name": "api-config", "key": "token"}}}]
	secret001.deny == {{
		"msg": "container \"api\" reads credential-like env var \"API_TOKEN\" from a ConfigMap: move it to a Secret and use valueFrom.secretKeyRef",
		"path": array.concat(_env, [0, "valueFrom", "configMapKeyRef"]),
		"container": "api",
	}} with input as {"object": _deployment(env)}
}

test_deny_init_container_in_cronjob if {
	obj := {
		"kind": "CronJob",
		"metadata": {"name": "nightly"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {
			"initContainers": [{"name": "setup", "env": [{"name": "ADMIN_TOKEN", "value": "abc123"}]}],
			"containers": [{"name": "job", "env": [{"name": "ADMIN_TOKEN", "valueFrom": {"secretKeyRef": {"name": "job", "key": "token"}}}]}],
		}}}}},
	}
	secret001.deny == {{
		"msg": "container \"setup\" sets credential-like env var \"ADMIN_TOKEN\" to a literal value: put it in a Secret and use valueFrom.secretKeyRef",
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "initContainers", 0, "env", 0, "value"],
		"container": "setup",
	}} with input as {"object": obj}
}
