package k8s.ing002_test

import data.k8s.ing002

_ingress(annotations) := {
	"apiVersion": "networking.k8s.io/v1",
	"kind": "Ingress",
	"metadata": {"name": "auth-service", "namespace": "slotwise", "annotations": annotations},
	"spec": {"rules": [{"host": "api.slotwise.com"}]},
}

test_allow_cluster_issuer if {
	annotations := {
		"nginx.ingress.kubernetes.io/ssl-redirect": "true",
		"cert-manager.io/cluster-issuer": "letsencrypt-prod",
	}
	count(ing002.deny) == 0 with input as {"object": _ingress(annotations)}
}

test_allow_namespaced_issuer if {
	annotations := {
		"nginx.ingress.kubernetes.io/ssl-redirect": "true",
		"cert-manager.io/issuer": "shop-ca",
	}
	count(ing002.deny) == 0 with input as {"object": _ingress(annotations)}
}

test_allow_other_kinds if {
	obj := {"kind": "Service", "metadata": {"name": "api"}}
	count(ing002.deny) == 0 with input as {"object": obj}
}

test_deny_no_annotations if {
	obj := {"kind": "Ingress", "metadata": {"name": "web"}, "spec": {}}
	ing002.deny == {
		{
			"msg": "Ingress \"web\" does not redirect HTTP to HTTPS (nginx.ingress.kubernetes.io/ssl-redirect is unset): set the annotation nginx.ingress.kubernetes.io/ssl-redirect: \"true\"",
			"path": ["metadata", "annotations", "nginx.ingress.kubernetes.io/ssl-redirect"],
		},
		{
			"msg": "Ingress \"web\" names no cert-manager issuer: add the annotation cert-manager.io/cluster-issuer (or cert-manager.io/issuer) naming the issuer of its certificate",
			"path": ["metadata", "annotations"],
		},
	} with input as {"object": obj}
}

test_deny_redirect_false if {
	annotations := {
		"nginx.ingress.kubernetes.io/ssl-redirect": "false",
		"cert-manager.io/cluster-issuer": "letsencrypt-prod",
	}
	ing002.deny == {{
		"msg": "Ingress \"auth-service\" does not redirect HTTP to HTTPS (nginx.ingress.kubernetes.io/ssl-redirect is \"false\"): set the annotation nginx.ingress.kubernetes.io/ssl-redirect: \"true\"",
		"path": ["metadata", "annotations", "nginx.ingress.kubernetes.io/ssl-redirect"],
	}} with input as {"object": _ingress(annotations)}
}

test_deny_empty_issuer if {
	annotations := {
		"nginx.ingress.kubernetes.io/ssl-redirect": "true",
		"cert-manager.io/cluster-issuer": " ",
	}
	count(ing002.deny) == 1 with input as {"object": _ingress(annotations)}
}
