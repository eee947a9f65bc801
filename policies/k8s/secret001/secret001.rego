# METADATA
# title: Credential env vars come from Secrets
# description: |
#   An environment variable whose name says it holds a credential must take its
#   value from a Secret (valueFrom.secretKeyRef), never from a literal value in
#   the manifest, which ends up in Git, in the object's last-applied annotation
#   and in every reader's kubectl output, nor from a ConfigMap, which is not
#   meant for credentials.
#
#   A name is credential-like when, upper-cased with "-" and "." read as "_",
#   it has PASSWORD(S), PASSWD, SECRET(S), SECRETKEY, TOKEN, CREDENTIAL(S),
#   API_KEY/APIKEY or PRIVATE_KEY/PRIVATEKEY at the end of one of its words,
#   prefixed or not (DB_PASSWORD, dbPassword, GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY,
#   SECRET_KEY_BASE all are). Not credential-like: names whose keyword only
#   starts a longer word (MAX_TOKENS, TOKENIZERS_PARALLELISM, SECRETARY), and
#   names whose last word says the value is about a credential rather than the
#   credential itself: a file or location (PASSWORD_FILE, TOKEN_PATH,
#   CREDENTIALS_DIR, TOKEN_URL, SECRET_NAME...), a lifetime or limit
#   (TOKEN_TTL, PASSWORD_MIN_LENGTH...), or a setting (TOKEN_TYPE,
#   TOKEN_HEADER, PASSWORD_AUTH_ENABLED...).
#
#   A literal value is not reported when it cannot hold a credential: an empty
#   string, a value built from $(VAR) references to other variables, a boolean
#   word (true, false, yes, no, on, off), or an absolute file path under a usual
#   mount root such as /etc, /var, /run, /secrets or /certs
#   (GOOGLE_APPLICATION_CREDENTIALS=/var/secrets/google/key.json). Messages
#   never repeat the value.
# custom:
#   id: SECRET001
#   severity: error
#   section: Deployment manifests, ConfigMaps and Secrets
#   remediation: |
#     Put the credential in a Secret and reference it:
#     valueFrom: {secretKeyRef: {name: <secret>, key: <key>}}; or mount the
#     Secret as a file and pass its path in a *_FILE variable.
#   environments: [development, staging, production]
#   tags: [security]
package k8s.secret001

import data.lib.k8s

deny contains {"msg": msg, "path": array.concat(entry.path, ["env", i, "value"]), "container": entry.name} if {
	some entry in k8s.containers
	some i, env in entry.container.env
	_credential_name(env.name)
	_literal(object.get(env, "value", null))
	msg := sprintf("%s sets credential-like env var %q to a literal value: put it in a Secret and use valueFrom.secretKeyRef", [k8s.container_label(entry), env.name])
}

deny contains {"msg": msg, "path": array.concat(entry.path, ["env", i, "valueFrom", "configMapKeyRef"]), "container": entry.name} if {
	some entry in k8s.containers
	some i, env in entry.container.env
	_credential_name(env.name)
	is_object(env.valueFrom.configMapKeyRef)
	msg := sprintf("%s reads credential-like env var %q from a ConfigMap: move it to a Secret and use valueFrom.secretKeyRef", [k8s.container_label(entry), env.name])
}

_keyword_pattern := `(PASSWORDS?|PASSWD|SECRETS?|SECRETKEYS?|TOKEN|CREDENTIALS?|API_?KEYS?|PRIVATE_?KEYS?)(_|$)`

# Last words that make the variable about a credential, not the credential.
_descriptive_words := {
	"FILE", "FILES", "PATH", "DIR", "DIRECTORY", "MOUNT", "LOCATION",
	"URL", "URI", "ENDPOINT", "HOST", "PORT", "ADDR", "ADDRESS",
	"NAME", "REF", "TTL", "EXPIRY", "EXPIRATION", "EXPIRES", "LIFETIME",
	"TIMEOUT", "DURATION", "INTERVAL", "LENGTH", "LIMIT", "TYPE", "REGION",
	"HEADER", "ENABLED", "DISABLED", "REQUIRED", "ALGORITHM", "ISSUER", "AUDIENCE",
}

_credential_name(name) if {
	is_string(name)
	normalized := upper(replace(replace(name, "-", "_"), ".", "_"))
	regex.match(_keyword_pattern, normalized)
	words := [word | some word in split(normalized, "_"); word != ""]
	not words[count(words) - 1] in _descriptive_words
}

_literal(value) if {
	value != null
	value != ""
	not _harmless(value)
}

_harmless(value) if {
	is_string(value)
	_harmless_text(value)
}

_harmless_text(value) if regex.match(`\$\([A-Za-z_][A-Za-z0-9_.-]*\)`, value)

_harmless_text(value) if lower(value) in {"true", "false", "yes", "no", "on", "off"}

_harmless_text(value) if regex.match(`^/(etc|var|run|secrets?|certs?|config|conf|opt|srv|home|tmp|usr|mnt|data|app|vault|keys?|creds|credentials|tls|ssl)(/[A-Za-z0-9._@-]+)*/?$`, value)
