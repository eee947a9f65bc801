# METADATA
# title: Pods run under a dedicated service account
# description: |
#   The pod must name its own service account in serviceAccountName (or the
#   deprecated serviceAccount, which Kubernetes reads only when
#   serviceAccountName is empty), and not "default": the namespace's default
#   account is shared by every pod that names none, so any permission granted
#   to it leaks to all of them. The finding is reported once per pod.
# custom:
#   id: SEC009
#   severity: warning
#   section: Deployment manifests
#   remediation: |
#     Create a ServiceAccount for the workload and set
#     spec.serviceAccountName to its name (set automountServiceAccountToken:
#     false if the pod does not call the Kubernetes API).
#   environments: [development, staging, production]
#   tags: [security]
package k8s.sec009

import data.lib.k8s

deny contains {"msg": msg, "path": array.concat(k8s.pod_spec_path, ["serviceAccountName"])} if {
	k8s.is_workload
	not _account_field
	msg := "pod sets no serviceAccountName and runs as the namespace's default service account: set serviceAccountName to a dedicated ServiceAccount"
}

deny contains {"msg": msg, "path": array.concat(k8s.pod_spec_path, [field])} if {
	field := _account_field
	k8s.pod_spec[field] == "default"
	msg := sprintf("pod sets %s: default, the namespace's shared service account: set serviceAccountName to a dedicated ServiceAccount", [field])
}

# _account_field is the field Kubernetes takes the service account from.
_account_field := "serviceAccountName" if _non_empty(_spec_field("serviceAccountName"))

_account_field := "serviceAccount" if {
	not _non_empty(_spec_field("serviceAccountName"))
	_non_empty(_spec_field("serviceAccount"))
}

_spec_field(field) := object.get(k8s.pod_spec, field, "")

_non_empty(value) if {
	is_string(value)
	value != ""
}
