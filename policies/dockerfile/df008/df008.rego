# METADATA
# title: Network service on scratch carries CA certificates
# description: |
#   scratch has no CA certificates, so a service shipped FROM scratch cannot
#   verify any TLS peer (databases, APIs, OAuth providers) unless the bundle is
#   copied in. The rule takes an EXPOSE in the final image (its chain included) as
#   the sign of a network service, and wants a COPY or ADD into that image whose
#   source or destination names the bundle: ca-certificates, /etc/ssl/certs,
#   /etc/ssl/cert.pem or /etc/pki/. A scratch image without EXPOSE is not judged.
# custom:
#   id: DF008
#   severity: warning
#   section: Dockerfile Standards
#   remediation: |
#     Install the bundle in the builder (apk add --no-cache ca-certificates) and
#     copy it: COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/.
#   environments: [development, staging, production]
package dockerfile.df008

import data.lib.dockerfile

deny contains {"msg": msg, "path": dockerfile.final_path} if {
	dockerfile.final_scratch
	_exposes
	not _copies_certificates
	msg := "the scratch image EXPOSEs a port but has no CA certificates, so TLS calls fail: COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/"
}

_exposes if {
	some e in dockerfile.final_entries
	dockerfile.kind(e.instruction) == "expose"
}

_copies_certificates if {
	some e in dockerfile.final_entries
	dockerfile.kind(e.instruction) in {"copy", "add"}
	some path in dockerfile.args(e.instruction)
	regex.match(`ca-certificates|/etc/ssl/certs|/etc/ssl/cert\.pem|/etc/pki/`, path)
}
