# METADATA
# title: Secret manifests hold only placeholders
# description: |
#   A Secret committed to a repository holds no real value: every data and
#   stringData entry is a placeholder such as <base64-encoded-password>,
#   ${DATABASE_PASSWORD}, {{ .Values.password }}, CHANGEME, REPLACE_ME or an
#   empty string, and the real values arrive at deploy time. A data value that
#   base64-decodes to a placeholder counts as one. Sealed and external secrets
#   (SealedSecret, ExternalSecret) are other kinds and pass by nature. The rule
#   reads manifests in a repository, so the admission webhook, which sees the
#   real Secrets of the cluster, does not evaluate it.
# custom:
#   id: SECRET002
#   severity: error
#   section: ConfigMaps and Secrets
#   remediation: |
#     Replace the value with a placeholder such as <base64-encoded-password>, and
#     deliver the real value through a SealedSecret or an ExternalSecret, or
#     create the Secret at deploy time from the CI secret store. Rotate the
#     value: it is in the repository's history.
#   environments: [development, staging, production]
#   tags: [security]
#   admission: false
#   judges: [{kind: Secret, apiVersion: v1}]
package k8s.secret002

import data.lib.k8s

_placeholder_patterns := [
	`^<[^<>]+>$`,
	`^\$\{[^{}]+\}$`,
	`^\{\{.*\}\}$`,
	`^(?i:change[_-]?me|replace[_-]?me)$`,
	`^\s*$`,
]

deny contains {"msg": msg, "path": [field, key]} if {
	input.object.kind == "Secret"
	some field in ["data", "stringData"]
	some key, value in object.get(input.object, field, {})
	not _placeholder(field, value)
	msg := sprintf(
		"Secret %q holds a real value in %s.%s: write a placeholder such as %s and deliver the value through a SealedSecret or ExternalSecret",
		[k8s.name, field, key, _example(field, key)],
	)
}

_example("data", key) := sprintf("<base64-encoded-%s>", [key])

_example("stringData", key) := sprintf("<%s>", [key])

_placeholder(_, null)

_placeholder(_, value) if _is_placeholder_text(value)

_placeholder("data", value) if {
	base64.is_valid(value)
	_is_placeholder_text(base64.decode(value))
}

_is_placeholder_text(text) if {
	is_string(text)
	some pattern in _placeholder_patterns
	regex.match(pattern, text)
}
