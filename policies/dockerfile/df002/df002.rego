# METADATA
# title: Final stage runs as a non-root USER
# description: |
#   The image that ships must name a non-root user. Its user is the last USER of
#   the final stage or of the stages it is built FROM (FROM <stage> inherits the
#   user; a later USER wins). root, 0 and any user:group whose user is root or 0
#   (0:0, root:root, 0:1000) run as root; a group of 0 with a non-root user does
#   not. A USER written with ARG or ENV variables is judged once expanded; one
#   whose variable has no value is reported, as what it runs as is chosen at build
#   time. Builder stages may run as root: only the image that ships is judged.
#
#   scratch has no /etc/passwd, so on a scratch image a user name cannot resolve
#   and the container fails to start: a named user needs /etc/passwd copied into
#   the image (COPY --from=builder /etc/passwd /etc/passwd); a numeric UID
#   (USER 65532) needs nothing.
# custom:
#   id: DF002
#   severity: error
#   section: Container Security
#   remediation: |
#     End the final stage with a non-root user: USER 65532:65532, or create the
#     user in the builder (adduser -D -u 10001 appuser), copy /etc/passwd into
#     the scratch image and write USER appuser.
#   environments: [development, staging, production]
#   tags: [security]
package dockerfile.df002

import data.lib.dockerfile

# Positions, in the final chain's entries, of the USER instructions.
_users := [k | some k, e in dockerfile.final_entries; dockerfile.kind(e.instruction) == "user"]

_position := _users[count(_users) - 1]

# _effective is the USER the shipped image runs as.
_effective := dockerfile.final_entries[_position]

_written := trim_space(dockerfile.args(_effective.instruction)[0])

_user := dockerfile.expand(
	_written,
	array.slice(dockerfile.final_entries, 0, _position),
	_effective.stage,
)

deny contains {"msg": msg, "path": dockerfile.final_path} if {
	count(_users) == 0
	msg := "the final stage sets no USER, so the container runs as root: add USER with a non-root user, such as USER 65532:65532"
}

deny contains {"msg": msg, "path": _effective.path, "token": _written} if {
	_root(_user)
	msg := sprintf("USER %s runs the shipped image as root: give a non-root user, such as USER 65532:65532", [_written])
}

deny contains {"msg": msg, "path": _effective.path, "token": _written} if {
	_written
	not _resolved
	msg := sprintf("USER %s uses a variable with no value, so the user is chosen at build time: give the ARG a non-root default or write the user", [_written])
}

deny contains {"msg": msg, "path": _effective.path, "token": _written} if {
	dockerfile.final_scratch
	_resolved
	not _root(_user)
	not regex.match(`^[0-9]+$`, _user_part(_user))
	not _passwd_copied
	msg := sprintf("USER %s names a user, but the scratch image has no /etc/passwd to resolve it: COPY --from=builder /etc/passwd /etc/passwd, or give a numeric UID", [_written])
}

_resolved if is_string(_user)

_user_part(user) := trim_space(split(user, ":")[0])

# root by name or UID 0, whatever the group.
_root(user) if lower(_user_part(user)) == "root"

_root(user) if regex.match(`^0+$`, _user_part(user))

_passwd_copied if {
	some e in dockerfile.final_entries
	dockerfile.kind(e.instruction) in {"copy", "add"}
	_provides_passwd(e.instruction)
}

_provides_passwd(ins) if dockerfile.dest(ins) == "/etc/passwd"

_provides_passwd(ins) if {
	trim_suffix(dockerfile.dest(ins), "/") == "/etc"
	some source in dockerfile.sources(ins)
	dockerfile.basename(source) == "passwd"
}
