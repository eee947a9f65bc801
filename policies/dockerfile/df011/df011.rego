# METADATA
# title: No credentials in ARG or ENV
# description: |
#   A credential must not pass through ARG or ENV. ENV values are stored in the
#   image config, readable by anyone who can pull the image; build ARGs are
#   recorded in the image history of every RUN that sees them, with the value
#   given by --build-arg. Both also end up in build logs and caches. Every stage's
#   ARG and ENV is read, and the global ARGs before the first FROM (reported on
#   the file, as they belong to no stage).
#
#   Names are judged as SECRET001 judges env var names: upper-cased with "-" and
#   "." read as "_", a name is credential-like when it has PASSWORD(S), PASSWD,
#   SECRET(S), SECRETKEY, TOKEN, CREDENTIAL(S), API_KEY/APIKEY or
#   PRIVATE_KEY/PRIVATEKEY at the end of one of its words (DB_PASSWORD,
#   GITHUB_TOKEN, NPM_TOKEN, AWS_SECRET_ACCESS_KEY), except when the keyword only
#   starts a longer word (MAX_TOKENS) or the last word says the value is about a
#   credential rather than the credential (PASSWORD_FILE, TOKEN_PATH,
#   SECRET_NAME, TOKEN_TTL, TOKEN_TYPE...). A declared value that cannot hold a
#   credential is not reported either: a boolean word, or an absolute file path
#   under a usual mount root (ENV GOOGLE_APPLICATION_CREDENTIALS=/var/secrets/
#   key.json), and for ENV an empty value. An ARG without a default is reported:
#   its value comes from --build-arg and lands in the history. Messages never
#   repeat the value.
# custom:
#   id: DF011
#   severity: error
#   section: Container Security
#   remediation: |
#     Pass build-time credentials as BuildKit secrets (RUN
#     --mount=type=secret,id=npm_token ...; docker build --secret
#     id=npm_token,env=NPM_TOKEN), and runtime ones from a Kubernetes Secret;
#     an ENV may hold the file path of a mounted secret (DB_PASSWORD_FILE).
#   environments: [development, staging, production]
#   tags: [security]
package dockerfile.df011

import data.lib.dockerfile

deny contains {"msg": msg, "path": dockerfile.instruction_path(i, j), "token": v.key} if {
	some i, stage in dockerfile.stages
	some j, ins in dockerfile.instructions(stage)
	keyword := upper(dockerfile.kind(ins))
	keyword in {"ARG", "ENV"}
	some v in dockerfile.vars(ins)
	_credential_name(v.key)
	not _harmless(keyword, object.get(v, "value", null))
	msg := sprintf("%s %s looks like a credential, which %s: %s", [keyword, v.key, _kept[keyword], _instead])
}

deny contains {"msg": msg, "path": [], "token": name} if {
	some name, value in dockerfile.global_args
	_credential_name(name)
	not _harmless("ARG", value)
	msg := sprintf("global ARG %s looks like a credential, which %s: %s", [name, _kept.ARG, _instead])
}

_kept := {
	"ARG": "the image history records for every RUN that uses it",
	"ENV": "the image config keeps for anyone who pulls it",
}

_instead := "pass it with RUN --mount=type=secret at build time, or from a Kubernetes Secret at run time"

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

# An ENV without a value sets nothing; an ARG without one takes --build-arg.
_harmless("ENV", value) if value == ""

_harmless(_, value) if {
	is_string(value)
	lower(value) in {"true", "false", "yes", "no", "on", "off"}
}

_harmless(_, value) if {
	is_string(value)
	regex.match(`^/(etc|var|run|secrets?|certs?|config|conf|opt|srv|home|tmp|usr|mnt|data|app|vault|keys?|creds|credentials|tls|ssl)(/[A-Za-z0-9._@-]+)*/?$`, value)
}
