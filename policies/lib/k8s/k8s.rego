# METADATA
# title: Kubernetes helpers
# description: |
#   Shared views of a Kubernetes object for the rules in policies/k8s: where a
#   kind keeps its pod spec, every container with its field path, and the
#   security settings a container really runs with once pod-level defaults apply.
package lib.k8s

import data.lib.dates

# Kinds that run to completion: probes are not expected of their pods.
batch_kinds := {"Job", "CronJob"}

# Kinds that carry spec.replicas and may be scaled by an HPA.
scalable_kinds := {"Deployment", "StatefulSet", "ReplicaSet", "DeploymentConfig"}

# workload_kinds are the kinds whose pod template this library knows: the
# one list of built-in workload kinds, which the tables below are keyed by
# (a test holds them to it). slotcheck reads it, so that a configuration
# cannot redefine these kinds. OpenShift's DeploymentConfig
# (apps.openshift.io/v1) keeps its pod template at spec.template as a
# Deployment does.
workload_kinds := {"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController", "DeploymentConfig", "CronJob"}

# pod_spec_path is the field path of the object's pod spec, and
# pod_metadata_path that of the metadata the pods get, for the kinds that run
# pods. Each is one lookup by kind in a literal table: rules refer to them
# often, and a reference to another rule costs more than the lookup. A second
# definition gives them for a kind the configuration names
# (configured_template_path); written as a second definition rather than an
# else, which cost every evaluation a quarter more allocations.
pod_spec_path := {
	"Pod": ["spec"],
	"Deployment": ["spec", "template", "spec"],
	"StatefulSet": ["spec", "template", "spec"],
	"DaemonSet": ["spec", "template", "spec"],
	"ReplicaSet": ["spec", "template", "spec"],
	"Job": ["spec", "template", "spec"],
	"ReplicationController": ["spec", "template", "spec"],
	"DeploymentConfig": ["spec", "template", "spec"],
	"CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
}[input.object.kind]

pod_spec_path := array.concat(configured_template_path, ["spec"])

pod_metadata_path := {
	"Pod": ["metadata"],
	"Deployment": ["spec", "template", "metadata"],
	"StatefulSet": ["spec", "template", "metadata"],
	"DaemonSet": ["spec", "template", "metadata"],
	"ReplicaSet": ["spec", "template", "metadata"],
	"Job": ["spec", "template", "metadata"],
	"ReplicationController": ["spec", "template", "metadata"],
	"DeploymentConfig": ["spec", "template", "metadata"],
	"CronJob": ["spec", "jobTemplate", "spec", "template", "metadata"],
}[input.object.kind]

pod_metadata_path := array.concat(configured_template_path, ["metadata"])

# configured_template_path is the field path of the pod template of a kind
# the configuration names as a workload (an Argo Rollout, a company's own
# custom resource): input.config.workloads[kind][apiVersion], as
# .slotcheck.yaml's workloads write it. Undefined for the built-in kinds,
# whose tables win (slotcheck refuses a configuration that names one), so
# that the two definitions of each path never disagree.
configured_template_path := path if {
	path := input.config.workloads[input.object.kind][input.object.apiVersion]
	is_array(path)
	not input.object.kind in workload_kinds
}

# is_workload holds for objects that run pods.
is_workload if pod_spec_path

# pod_spec is the pod spec, empty when the object has none. (Written out rather
# than with as_object: a function call costs more than the test.)
pod_spec := spec if {
	spec := object.get(input.object, pod_spec_path, {})
	is_object(spec)
} else := {} if pod_spec_path

# pod_labels are the labels of the pods the object runs.
pod_labels := labels if {
	labels := object.get(input.object, array.concat(pod_metadata_path, ["labels"]), {})
	is_object(labels)
} else := {} if pod_metadata_path

# labels_paths maps the places whose labels rules check to the field path of
# their labels: the object's metadata and, for a workload other than a Pod (a
# Pod's metadata is its pods'), its pod template; undefined for objects that
# run no pods. (A lookup by kind in a literal table, and a second definition
# for configured kinds, as for pod_spec_path.)
labels_paths := {
	"Pod": {"metadata": ["metadata", "labels"]},
	"Deployment": {"metadata": ["metadata", "labels"], "pod template": ["spec", "template", "metadata", "labels"]},
	"StatefulSet": {"metadata": ["metadata", "labels"], "pod template": ["spec", "template", "metadata", "labels"]},
	"DaemonSet": {"metadata": ["metadata", "labels"], "pod template": ["spec", "template", "metadata", "labels"]},
	"ReplicaSet": {"metadata": ["metadata", "labels"], "pod template": ["spec", "template", "metadata", "labels"]},
	"Job": {"metadata": ["metadata", "labels"], "pod template": ["spec", "template", "metadata", "labels"]},
	"ReplicationController": {"metadata": ["metadata", "labels"], "pod template": ["spec", "template", "metadata", "labels"]},
	"DeploymentConfig": {"metadata": ["metadata", "labels"], "pod template": ["spec", "template", "metadata", "labels"]},
	"CronJob": {"metadata": ["metadata", "labels"], "pod template": ["spec", "jobTemplate", "spec", "template", "metadata", "labels"]},
}[input.object.kind]

labels_paths := {"metadata": ["metadata", "labels"], "pod template": array.concat(configured_template_path, ["metadata", "labels"])}

# as_object is x when it is an object, else empty: a field written as null
# (or, in a custom resource, with an unexpected type) reads as absent.
as_object(x) := x if is_object(x)

as_object(x) := {} if not is_object(x)

# as_array is x when it is an array, else empty.
as_array(x) := x if is_array(x)

as_array(x) := [] if not is_array(x)

# namespace is the object's namespace, "" when the manifest leaves it to the client.
namespace := object.get(input.object, ["metadata", "namespace"], "")

# name is the object's name.
name := object.get(input.object, ["metadata", "name"], "")

# containers holds every container of the pod spec: the container itself, its
# field path, its type (containers, initContainers, ephemeralContainers) and name.
# It is computed once per evaluation and read by most rules; its body refers to
# no other rule inside the loop and calls no function: a list that is not an
# array (null included) holds nothing.
containers contains {"container": c, "path": array.concat(spec_path, [type, i]), "type": type, "name": object.get(c, "name", "")} if {
	spec := pod_spec
	spec_path := pod_spec_path
	some type in ["containers", "initContainers", "ephemeralContainers"]
	list := spec[type]
	is_array(list)
	some i, c in list
	is_object(c)
}

# container_label names a container in messages: container "api", or by its
# place in the pod spec (containers[0], initContainers[1]) when it has no name,
# as a pod template may leave it to a patch. Called only when a message is made.
container_label(entry) := sprintf("container %q", [entry.name]) if entry.name != ""

container_label(entry) := sprintf("%s[%d]", [entry.type, entry.path[count(entry.path) - 1]]) if entry.name == ""

# long_running holds the containers expected to serve for the pod's life:
# app containers and restartable (sidecar) init containers of objects whose
# pods do not run to completion (see one_shot).
long_running contains entry if {
	not one_shot
	some entry in containers
	entry.type == "containers"
}

long_running contains entry if {
	not one_shot
	some entry in containers
	entry.type == "initContainers"
	entry.container.restartPolicy == "Always"
}

# one_shot holds for objects whose pods run once and exit, so that probes,
# which watch a server for its whole life, are not expected of them: Jobs
# and CronJobs (batch_kinds, written as a literal to save a reference to it),
# pods with restartPolicy Never or OnFailure (a Pod's; the API allows only
# Always in the other kinds' templates), and Helm test hooks, which Helm runs
# once per `helm test`.
one_shot if input.object.kind in {"Job", "CronJob"}

one_shot if pod_spec.restartPolicy in {"Never", "OnFailure"}

one_shot if {
	hooks := input.object.metadata.annotations["helm.sh/hook"]
	is_string(hooks)
	some hook in split(hooks, ",")
	trim_space(hook) in {"test", "test-success", "test-failure"}
}

# security_path is where a container's securityContext field is (or belongs).
security_path(entry, field) := array.concat(entry.path, ["securityContext", field])

# label_selector_matches holds when a LabelSelector (an object) selects the
# labels. An empty selector selects everything, as Kubernetes defines it.
# It runs once per candidate policy or monitor, so it stays lean: callers of
# objects whose schema slotcheck has not checked pass as_object(selector).
label_selector_matches(selector, labels) if {
	every k, v in object.get(selector, "matchLabels", {}) {
		labels[k] == v
	}
	every expr in object.get(selector, "matchExpressions", []) {
		_expression_matches(expr, labels)
	}
}

_expression_matches(expr, labels) if {
	expr.operator == "In"
	labels[expr.key] in expr.values
}

_expression_matches(expr, labels) if {
	expr.operator == "NotIn"
	not labels[expr.key] in expr.values
}

_expression_matches(expr, labels) if {
	expr.operator == "Exists"
	expr.key in object.keys(labels)
}

_expression_matches(expr, labels) if {
	expr.operator == "DoesNotExist"
	not expr.key in object.keys(labels)
}

_exempt_prefix := "slotcheck.slotwise.com/exempt-"

_expires_suffix := "-expires"

# exemption_annotations holds every exemption annotation on the object and its
# pod template: the rule id it names, the reason, the annotation's path, and
# the expiry date written beside it in slotcheck.slotwise.com/exempt-<ID>-expires
# ("" when there is none) with that annotation's path. (Annotations that are
# not an object hold none. One rule per place: for a Pod both are the object's
# metadata, and the set keeps each annotation once.)
exemption_annotations contains _exemption(["metadata", "annotations"], annotations, key) if {
	annotations := object.get(input.object, ["metadata", "annotations"], {})
	is_object(annotations)
	some key, _ in annotations
	_exemption_key(key)
}

exemption_annotations contains _exemption(annotations_path, annotations, key) if {
	annotations_path := array.concat(pod_metadata_path, ["annotations"])
	annotations := object.get(input.object, annotations_path, {})
	is_object(annotations)
	some key, _ in annotations
	_exemption_key(key)
}

# An exemption's expiry annotation is not an exemption of its own.
_exemption_key(key) if {
	startswith(key, _exempt_prefix)
	not endswith(lower(key), _expires_suffix)
}

_exemption(base, annotations, key) := {
	"id": upper(trim_prefix(key, _exempt_prefix)),
	"reason": _reason(annotations[key]),
	"path": array.concat(base, [key]),
	"expires": _expires(object.get(annotations, expires_key, null)),
	"expires_path": array.concat(base, [expires_key]),
} if expires_key := concat("", [key, _expires_suffix])

# Annotation values are strings in the API; anything else gives no reason.
_reason(value) := trim_space(value) if is_string(value)

_reason(value) := "" if not is_string(value)

# An expiry is a string; any other value is kept as text, which is no date.
_expires(value) := trim_space(value) if is_string(value)

_expires(value) := "" if is_null(value)

_expires(value) := sprintf("%v", [value]) if {
	not is_string(value)
	not is_null(value)
}

# exemptions holds the exemptions that suppress a rule: those that give a
# reason and are in date. One without a reason (rule EXM001) or past its
# expiry (rule EXM003) suppresses nothing.
exemptions contains {"id": e.id, "reason": e.reason} if {
	some e in exemption_annotations
	e.reason != ""
	not dates.lapsed(e.expires)
}
