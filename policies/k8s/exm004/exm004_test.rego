package k8s.exm004_test

import data.k8s.exm004

_pod(annotations) := {"kind": "Pod", "metadata": {"name": "debug", "namespace": "shop", "annotations": annotations}, "spec": {}}

test_allow_far if {
	obj := _pod({"slotcheck.slotwise.com/exempt-NET001": "r", "slotcheck.slotwise.com/exempt-NET001-expires": "2026-12-22"})
	count(exm004.deny) == 0 with input as {"object": obj, "today": "2026-12-07"}
}

test_allow_expired_is_exm003s if {
	obj := _pod({"slotcheck.slotwise.com/exempt-NET001": "r", "slotcheck.slotwise.com/exempt-NET001-expires": "2026-12-06"})
	count(exm004.deny) == 0 with input as {"object": obj, "today": "2026-12-07"}
}

test_allow_no_reason_is_exm001s if {
	obj := _pod({"slotcheck.slotwise.com/exempt-NET001": "", "slotcheck.slotwise.com/exempt-NET001-expires": "2026-12-08"})
	count(exm004.deny) == 0 with input as {"object": obj, "today": "2026-12-07"}
}

test_deny_within_14_days if {
	obj := _pod({"slotcheck.slotwise.com/exempt-NET001": "r", "slotcheck.slotwise.com/exempt-NET001-expires": "2026-12-21"})
	exm004.deny == {{
		"msg": "exemption from NET001 expires on 2026-12-21: fix the finding before then, or agree a later date",
		"path": ["metadata", "annotations", "slotcheck.slotwise.com/exempt-NET001-expires"],
	}} with input as {"object": obj, "today": "2026-12-07"}
}

test_deny_today if {
	obj := _pod({"slotcheck.slotwise.com/exempt-NET001": "r", "slotcheck.slotwise.com/exempt-NET001-expires": "2026-12-07"})
	count(exm004.deny) == 1 with input as {"object": obj, "today": "2026-12-07"}
}
