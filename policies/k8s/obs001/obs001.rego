# METADATA
# title: Metrics ports are scraped
# description: |
#   A Service with a port named metrics is selected by a Prometheus Operator
#   ServiceMonitor, so the metrics it exposes are collected. A ServiceMonitor
#   selects the Service when its spec.selector matches the Service's labels and
#   its spec.namespaceSelector covers the Service's namespace: any: true, a
#   matchNames list naming it, or, when neither is given, the ServiceMonitor's
#   own namespace.
# custom:
#   id: OBS001
#   severity: warning
#   section: Metrics Collection
#   remediation: |
#     Add a ServiceMonitor (monitoring.coreos.com/v1) whose spec.selector matches
#     the Service's labels, in the Service's namespace or with a namespaceSelector
#     naming it, and an endpoint on port metrics (path /metrics).
#   environments: [staging, production]
#   reads: [{kind: ServiceMonitor, apiVersion: monitoring.coreos.com/v1, scope: cluster}]
#   admission: false
#   judges: [{kind: Service, apiVersion: v1}]
package k8s.obs001

import data.lib.k8s

_labels := object.get(input.object, ["metadata", "labels"], {})

deny contains {"msg": msg, "path": ["spec", "ports", i, "name"]} if {
	input.object.kind == "Service"
	some i, port in object.get(input.object, ["spec", "ports"], [])
	port.name == "metrics"
	not _scraped
	msg := sprintf(
		"Service %q exposes a metrics port but no ServiceMonitor selects it: add a ServiceMonitor whose selector matches its labels %v, covering namespace %q, with an endpoint on port metrics",
		[k8s.name, _labels, k8s.namespace],
	)
}

_scraped if {
	some monitor in k8s.inventory("ServiceMonitor")
	k8s.label_selector_matches(k8s.as_object(object.get(monitor, ["spec", "selector"], {})), _labels)
	_covers_namespace(monitor, object.get(monitor, ["spec", "namespaceSelector"], {}))
}

_covers_namespace(_, selector) if _any(selector)

_covers_namespace(_, selector) if k8s.namespace in selector.matchNames

_covers_namespace(monitor, selector) if {
	not _any(selector)
	not _names_namespaces(selector)
	k8s.same_namespace(monitor)
}

_any(selector) if selector.any == true

_names_namespaces(selector) if count(selector.matchNames) > 0
