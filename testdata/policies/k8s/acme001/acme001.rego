# METADATA
# title: Workloads name their owning team
# description: |
#   Every workload carries a team label, so that an alert reaches the team
#   that runs it.
# related_resources:
#   - ref: https://wiki.example.com/platform/acme001
# custom:
#   id: ACME001
#   severity: warning
#   section: Ownership
#   remediation: |
#     Add metadata.labels.team with the owning team's name.
#   environments: [staging, production]
#   environment_severity: {production: error}
package k8s.acme001

import data.lib.k8s

deny contains {"msg": msg, "path": ["metadata", "labels"]} if {
	count(k8s.labels_paths) > 0
	not _team
	msg := sprintf("%s %q has no team label: add metadata.labels.team", [input.object.kind, k8s.name])
}

_team if {
	team := input.object.metadata.labels.team
	is_string(team)
	team != ""
}
