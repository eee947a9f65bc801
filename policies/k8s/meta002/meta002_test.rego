package k8s.meta002_test

import data.k8s.meta002

test_allow_namespaced_objects_with_namespace if {
	every kind in ["Deployment", "Service", "Ingress", "ConfigMap", "Secret", "NetworkPolicy", "ServiceMonitor"] {
		count(meta002.deny) == 0 with input as {"object": {"kind": kind, "metadata": {"name": "api", "namespace": "slotwise"}}}
	}
}

test_allow_cluster_scoped_kinds if {
	every kind in ["Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PersistentVolume", "StorageClass", "PriorityClass", "IngressClass", "ValidatingWebhookConfiguration"] {
		count(meta002.deny) == 0 with input as {"object": {"kind": kind, "metadata": {"name": "x"}}}
	}
}

test_deny_deployment_without_namespace if {
	meta002.deny == {{
		"msg": "Deployment \"auth-service\" has no metadata.namespace: set namespace explicitly, e.g. namespace: slotwise",
		"path": ["metadata", "namespace"],
	}} with input as {"object": {
		"kind": "Deployment",
		"metadata": {"name": "auth-service"},
		"spec": {"template": {"spec": {"containers": [{"name": "auth-service"}]}}},
	}}
}

test_deny_empty_namespace if {
	meta002.deny == {{
		"msg": "HorizontalPodAutoscaler \"auth-service\" has no metadata.namespace: set namespace explicitly, e.g. namespace: slotwise",
		"path": ["metadata", "namespace"],
	}} with input as {"object": {"kind": "HorizontalPodAutoscaler", "metadata": {"name": "auth-service", "namespace": ""}}}
}

test_deny_other_namespaced_kinds if {
	every kind in ["Service", "Ingress", "ConfigMap", "Secret", "NetworkPolicy", "ServiceAccount", "PodDisruptionBudget", "Role", "RoleBinding", "CronJob"] {
		count(meta002.deny) == 1 with input as {"object": {"kind": kind, "metadata": {"name": "api"}}}
	}
}
