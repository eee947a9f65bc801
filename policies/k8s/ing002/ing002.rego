# METADATA
# title: Ingresses redirect to HTTPS and name a cert-manager issuer
# description: |
#   An Ingress carries nginx.ingress.kubernetes.io/ssl-redirect: "true", so plain
#   HTTP requests are redirected to HTTPS, and a cert-manager issuer annotation
#   (cert-manager.io/cluster-issuer or cert-manager.io/issuer), so its TLS
#   certificate is issued and renewed automatically.
# custom:
#   id: ING002
#   severity: warning
#   section: Service and Ingress
#   remediation: |
#     Add the annotations nginx.ingress.kubernetes.io/ssl-redirect: "true" and
#     cert-manager.io/cluster-issuer: <issuer> (or cert-manager.io/issuer for a
#     namespaced Issuer).
#   environments: [staging, production]
#   judges: [{kind: Ingress, apiVersion: networking.k8s.io/v1}]
package k8s.ing002

import data.lib.k8s

_redirect := "nginx.ingress.kubernetes.io/ssl-redirect"

_issuers := ["cert-manager.io/cluster-issuer", "cert-manager.io/issuer"]

_annotations := object.get(input.object, ["metadata", "annotations"], {})

deny contains {"msg": msg, "path": ["metadata", "annotations", _redirect]} if {
	input.object.kind == "Ingress"
	not _redirects
	msg := sprintf(
		"Ingress %q does not redirect HTTP to HTTPS (%s is %s): set the annotation %s: \"true\"",
		[k8s.name, _redirect, _shown(_redirect), _redirect],
	)
}

deny contains {"msg": msg, "path": ["metadata", "annotations"]} if {
	input.object.kind == "Ingress"
	not _names_issuer
	msg := sprintf(
		"Ingress %q names no cert-manager issuer: add the annotation cert-manager.io/cluster-issuer (or cert-manager.io/issuer) naming the issuer of its certificate",
		[k8s.name],
	)
}

_redirects if _annotations[_redirect] == "true"

_names_issuer if {
	some key in _issuers
	trim_space(_annotations[key]) != ""
}

_shown(key) := json.marshal(_annotations[key])

_shown(key) := "unset" if not key in object.keys(_annotations)
