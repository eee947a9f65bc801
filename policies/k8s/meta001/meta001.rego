# METADATA
# title: Workloads carry app and version labels
# description: |
#   A workload and the pods it runs must carry the labels app and version:
#   Services, NetworkPolicies, ServiceMonitors and dashboards select pods by
#   app, and version tells which release runs. Both labels belong on the
#   object's metadata and on its pod template (for a Pod they are the same
#   metadata). A Deployment, StatefulSet, DaemonSet or ReplicaSet must also
#   select its pods by app: spec.selector.matchLabels.app equals the pod
#   template's app label.
# custom:
#   id: META001
#   severity: warning
#   section: Deployment manifests
#   remediation: |
#     Add labels app: <service> and version: <image tag> to metadata.labels and
#     to the pod template's metadata.labels, and select the pods with
#     spec.selector.matchLabels.app: <service>.
#   environments: [development, staging, production]
package k8s.meta001

import data.lib.k8s

# k8s.labels_paths names the places to check, only for objects that run pods.
deny contains {"msg": msg, "path": path} if {
	some where, labels_path in k8s.labels_paths
	some label in ["app", "version"]
	not [where, label] in _labelled
	path := array.concat(labels_path, [label])
	msg := sprintf(
		"%s %q has no %s label on its %s: add %s: %s",
		[input.object.kind, k8s.name, label, where, label, _example(label)],
	)
}

# The kinds are written as a literal so that OPA's rule index skips the others.
deny contains {"msg": msg, "path": path} if {
	input.object.kind in {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"}
	app := k8s.pod_labels.app
	is_string(app)
	app != ""
	selected := object.get(input.object, ["spec", "selector", "matchLabels", "app"], null)
	selected != app
	path := ["spec", "selector", "matchLabels", "app"]
	msg := sprintf(
		"%s %q selector matchLabels.app is %s, not the pod template's app label %q: set spec.selector.matchLabels.app: %s",
		[input.object.kind, k8s.name, _shown(selected), app, app],
	)
}

# _labelled holds where each required label is found with a value, read once
# per object rather than through a helper call for each place and label.
_labelled contains [where, label] if {
	some where, labels_path in k8s.labels_paths
	labels := object.get(input.object, labels_path, {})
	some label in ["app", "version"]
	value := labels[label]
	is_string(value)
	value != ""
}

_label_value(value) if {
	is_string(value)
	value != ""
}

# _example suggests a value: for app the app label found elsewhere, else the
# object's name; for version the application image's version tag, else the
# version label found elsewhere, else a placeholder.
_example("app") := _some_label("app", _name_or_placeholder)

_example("version") := _image_version

_some_label(label, fallback) := value if {
	values := [v | some p in k8s.labels_paths; v := object.get(input.object, array.concat(p, [label]), null); _label_value(v)]
	value := values[0]
} else := fallback

_name_or_placeholder := k8s.name if k8s.name != ""

else := "<service name>"

_image_version := tag if {
	image := k8s.app_container.container.image
	is_string(image)
	tag := k8s.image_tag(image)
	k8s.version_tag(tag)
} else := _some_label("version", "<release version, e.g. v1.2.3>")

_shown(null) := "missing"

_shown(value) := sprintf("%q", [value]) if is_string(value)

_shown(value) := sprintf("%v", [value]) if {
	value != null
	not is_string(value)
}
