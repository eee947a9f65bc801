package k8s.exm001_test

import data.k8s.exm001

_deployment(annotations, template_annotations) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop", "annotations": annotations},
	"spec": {"template": {
		"metadata": {"labels": {"app": "api"}, "annotations": template_annotations},
		"spec": {"containers": [{"name": "api"}]},
	}},
}

test_allow_exemptions_with_reasons if {
	obj := _deployment(
		{"slotcheck.slotwise.com/exempt-AVL001": "batch consumer, one replica by design (SLOT-42)"},
		{"slotcheck.slotwise.com/exempt-SEC006": "legacy image writes to /var/cache"},
	)
	count(exm001.deny) == 0 with input as {"object": obj}
}

test_allow_no_annotations if {
	obj := {"kind": "ConfigMap", "metadata": {"name": "config"}, "data": {"a": "b"}}
	count(exm001.deny) == 0 with input as {"object": obj}
}

test_allow_other_annotations_may_be_empty if {
	obj := _deployment({"example.com/flag": ""}, {"prometheus.io/scrape": ""})
	count(exm001.deny) == 0 with input as {"object": obj}
}

test_deny_empty_reason_on_object if {
	obj := _deployment({"slotcheck.slotwise.com/exempt-AVL001": ""}, {})
	exm001.deny == {{
		"msg": "exemption slotcheck.slotwise.com/exempt-AVL001 gives no reason, so it exempts nothing: write why the object is exempt from AVL001 as its value, or remove it",
		"path": ["metadata", "annotations", "slotcheck.slotwise.com/exempt-AVL001"],
	}} with input as {"object": obj}
}

test_deny_blank_reason_on_pod_template if {
	obj := _deployment({}, {"slotcheck.slotwise.com/exempt-SEC006": "   "})
	exm001.deny == {{
		"msg": "exemption slotcheck.slotwise.com/exempt-SEC006 gives no reason, so it exempts nothing: write why the object is exempt from SEC006 as its value, or remove it",
		"path": ["spec", "template", "metadata", "annotations", "slotcheck.slotwise.com/exempt-SEC006"],
	}} with input as {"object": obj}
}

test_deny_pod_reported_once if {
	pod := {"kind": "Pod", "metadata": {"name": "debug", "annotations": {"slotcheck.slotwise.com/exempt-NET001": ""}}, "spec": {}}
	count(exm001.deny) == 1 with input as {"object": pod}
}

test_deny_lowercase_id if {
	obj := _deployment({"slotcheck.slotwise.com/exempt-net001": ""}, {})
	exm001.deny == {{
		"msg": "exemption slotcheck.slotwise.com/exempt-net001 gives no reason, so it exempts nothing: write why the object is exempt from NET001 as its value, or remove it",
		"path": ["metadata", "annotations", "slotcheck.slotwise.com/exempt-net001"],
	}} with input as {"object": obj}
}

test_deny_any_kind if {
	obj := {"kind": "Ingress", "metadata": {"name": "web", "annotations": {"slotcheck.slotwise.com/exempt-ING001": null}}}
	count(exm001.deny) == 1 with input as {"object": obj}
}
