package k8s.exm003_test

import data.k8s.exm003

_deployment(annotations, template_annotations) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop", "annotations": annotations},
	"spec": {"template": {
		"metadata": {"labels": {"app": "api"}, "annotations": template_annotations},
		"spec": {"containers": [{"name": "api"}]},
	}},
}

test_allow_in_date if {
	obj := _deployment(
		{
			"slotcheck.slotwise.com/exempt-AVL001": "batch consumer (SLOT-42)",
			"slotcheck.slotwise.com/exempt-AVL001-expires": "2026-12-07",
		},
		{
			"slotcheck.slotwise.com/exempt-SEC006": "legacy image",
			"slotcheck.slotwise.com/exempt-SEC006-expires": "2027-03-31",
		},
	)
	count(exm003.deny) == 0 with input as {"object": obj, "today": "2026-12-07"}
}

test_allow_no_expiry if {
	obj := _deployment({"slotcheck.slotwise.com/exempt-AVL001": "batch consumer"}, {})
	count(exm003.deny) == 0 with input as {"object": obj, "today": "2026-12-07"}
}

test_allow_without_today_nothing_is_past if {
	obj := _deployment({"slotcheck.slotwise.com/exempt-AVL001": "r", "slotcheck.slotwise.com/exempt-AVL001-expires": "2020-01-01"}, {})
	count(exm003.deny) == 0 with input as {"object": obj}
}

test_deny_expired_on_object if {
	obj := _deployment({"slotcheck.slotwise.com/exempt-AVL001": "r", "slotcheck.slotwise.com/exempt-AVL001-expires": "2026-12-06"}, {})
	exm003.deny == {{
		"msg": "exemption from AVL001 expired on 2026-12-06, so it exempts nothing: fix the finding and remove the exemption, or write a later date in slotcheck.slotwise.com/exempt-AVL001-expires",
		"path": ["metadata", "annotations", "slotcheck.slotwise.com/exempt-AVL001-expires"],
	}} with input as {"object": obj, "today": "2026-12-07"}
}

test_deny_expired_on_pod_template if {
	obj := _deployment({}, {"slotcheck.slotwise.com/exempt-sec006": "r", "slotcheck.slotwise.com/exempt-sec006-expires": "2026-01-31"})
	exm003.deny == {{
		"msg": "exemption from SEC006 expired on 2026-01-31, so it exempts nothing: fix the finding and remove the exemption, or write a later date in slotcheck.slotwise.com/exempt-sec006-expires",
		"path": ["spec", "template", "metadata", "annotations", "slotcheck.slotwise.com/exempt-sec006-expires"],
	}} with input as {"object": obj, "today": "2026-12-07"}
}

test_deny_not_a_date if {
	obj := _deployment({"slotcheck.slotwise.com/exempt-AVL001": "r", "slotcheck.slotwise.com/exempt-AVL001-expires": "end of March"}, {})
	exm003.deny == {{
		"msg": "slotcheck.slotwise.com/exempt-AVL001-expires is \"end of March\", not a date YYYY-MM-DD, so the exemption from AVL001 exempts nothing: write the last day it applies, e.g. \"2027-03-31\"",
		"path": ["metadata", "annotations", "slotcheck.slotwise.com/exempt-AVL001-expires"],
	}} with input as {"object": obj, "today": "2026-12-07"}
}

test_deny_number_is_not_a_date if {
	obj := _deployment({"slotcheck.slotwise.com/exempt-AVL001": "r", "slotcheck.slotwise.com/exempt-AVL001-expires": 20270331}, {})
	count(exm003.deny) == 1 with input as {"object": obj}
}
