package k8s.secret002_test

import data.k8s.secret002

_secret(fields) := object.union(
	{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "auth-service-secrets", "namespace": "slotwise"}, "type": "Opaque"},
	fields,
)

test_allow_standard_placeholders if {
	obj := _secret({"data": {
		"database-password": "<base64-encoded-password>",
		"jwt-secret": "<base64-encoded-secret>",
	}})
	count(secret002.deny) == 0 with input as {"object": obj}
}

test_allow_other_placeholders if {
	obj := _secret({
		"data": {"a": "", "b": "Q0hBTkdFTUU=", "c": null},
		"stringData": {
			"d": "${DATABASE_PASSWORD}",
			"e": "{{ .Values.password }}",
			"f": "CHANGEME",
			"g": "changeme",
			"h": "REPLACE_ME",
		},
	})
	count(secret002.deny) == 0 with input as {"object": obj}
}

test_allow_service_account_token_without_data if {
	obj := _secret({"type": "kubernetes.io/service-account-token", "metadata": {
		"name": "ci-token",
		"annotations": {"kubernetes.io/service-account.name": "ci"},
	}})
	count(secret002.deny) == 0 with input as {"object": obj}
}

test_allow_sealed_secret if {
	obj := {
		"apiVersion": "bitnami.com/v1alpha1",
		"kind": "SealedSecret",
		"metadata": {"name": "auth-service-secrets"},
		"spec": {"encryptedData": {"database-password": "AgBy3i4OJSWK+PiTySYZZA=="}},
	}
	count(secret002.deny) == 0 with input as {"object": obj}
}

test_allow_external_secret if {
	obj := {
		"apiVersion": "external-secrets.io/v1beta1",
		"kind": "ExternalSecret",
		"metadata": {"name": "auth-service-secrets"},
		"spec": {"data": [{"secretKey": "database-password", "remoteRef": {"key": "slotwise/auth", "property": "password"}}]},
	}
	count(secret002.deny) == 0 with input as {"object": obj}
}

test_deny_real_base64_value if {
	obj := _secret({"data": {"database-password": "czNjcjN0LXBhc3N3MHJk", "jwt-secret": "<base64-encoded-secret>"}})
	secret002.deny == {{
		"msg": "Secret \"auth-service-secrets\" holds a real value in data.database-password: write a placeholder such as <base64-encoded-database-password> and deliver the value through a SealedSecret or ExternalSecret",
		"path": ["data", "database-password"],
	}} with input as {"object": obj}
}

test_deny_real_string_data if {
	obj := _secret({"stringData": {"api-key": "sk_live_51Hx", "note": "<api-key>"}})
	secret002.deny == {{
		"msg": "Secret \"auth-service-secrets\" holds a real value in stringData.api-key: write a placeholder such as <api-key> and deliver the value through a SealedSecret or ExternalSecret",
		"path": ["stringData", "api-key"],
	}} with input as {"object": obj}
}

test_deny_service_account_token_with_data if {
	obj := _secret({"type": "kubernetes.io/service-account-token", "data": {"token": "ZXlKaGJHY2lPaUpTVXpJMU5pSXNJbXRwWkNJNklpSjk="}})
	count(secret002.deny) == 1 with input as {"object": obj}
}

test_deny_placeholder_inside_real_text if {
	obj := _secret({"stringData": {"url": "postgres://app:hunter2@db/<name>"}})
	count(secret002.deny) == 1 with input as {"object": obj}
}
