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

# _account_field is the field Kubernetes takes the service account from: the
# first of them that holds a non-empty string. (An else chain reads each field
# once; helper calls would cost more than the reads.)
_account_field := "serviceAccountName" if {
	account := k8s.pod_spec.serviceAccountName
	is_string(account)
	account != ""
} else := "serviceAccount" if {
	account := k8s.pod_spec.serviceAccount
	is_string(account)
	account != ""
}
