# METADATA
# title: Objects name their namespace
# description: |
#   Every namespaced object must set metadata.namespace explicitly. Without it
#   the object lands in whatever namespace the applying client's context points
#   to, so the same manifest deploys to different places, and policies that are
#   scoped by namespace (NetworkPolicies, HPAs, RBAC) may not meet it.
#   Cluster-scoped kinds (Namespace, ClusterRole, ClusterRoleBinding,
#   CustomResourceDefinition, PersistentVolume, StorageClass, PriorityClass,
#   IngressClass, webhook configurations, APIService, ...) have no namespace and
#   are not checked.
# custom:
#   id: META002
#   severity: warning
#   section: Deployment manifests
#   remediation: |
#     Set metadata.namespace, for example namespace: slotwise.
#   environments: [development, staging, production]
package k8s.meta002

import data.lib.k8s

# Kinds without a namespace: built-in cluster-scoped kinds, common
# cluster-scoped custom resources, and kubectl's List wrapper.
_cluster_scoped := {
	"List",
	"APIService",
	"CSIDriver",
	"CSINode",
	"CertificateSigningRequest",
	"ClusterIssuer",
	"ClusterRole",
	"ClusterRoleBinding",
	"ClusterSecretStore",
	"ClusterExternalSecret",
	"ClusterPolicy",
	"ComponentStatus",
	"CustomResourceDefinition",
	"DeviceClass",
	"FlowSchema",
	"IPAddress",
	"IngressClass",
	"MutatingAdmissionPolicy",
	"MutatingAdmissionPolicyBinding",
	"MutatingWebhookConfiguration",
	"Namespace",
	"Node",
	"PersistentVolume",
	"PodSecurityPolicy",
	"PriorityClass",
	"PriorityLevelConfiguration",
	"ResourceSlice",
	"RuntimeClass",
	"SelfSubjectAccessReview",
	"SelfSubjectReview",
	"SelfSubjectRulesReview",
	"ServiceCIDR",
	"StorageClass",
	"StorageVersionMigration",
	"SubjectAccessReview",
	"TokenReview",
	"ValidatingAdmissionPolicy",
	"ValidatingAdmissionPolicyBinding",
	"ValidatingWebhookConfiguration",
	"VolumeAttachment",
}

# The namespace is tested first: most objects set it, and that settles them.
deny contains {"msg": msg, "path": ["metadata", "namespace"]} if {
	not _namespaced_explicitly
	kind := input.object.kind
	is_string(kind)
	kind != ""
	not kind in _cluster_scoped
	msg := sprintf("%s %q has no metadata.namespace: set namespace explicitly, e.g. namespace: slotwise", [kind, k8s.name])
}

_namespaced_explicitly if {
	ns := input.object.metadata.namespace
	is_string(ns)
	ns != ""
}
