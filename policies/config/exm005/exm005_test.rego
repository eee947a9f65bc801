package config.exm005_test

import data.config.exm005

_file(exemptions) := {"config_file": {"exemptions": exemptions}, "today": "2026-12-07"}

test_allow_in_date if {
	f := _file([
		{"rules": ["SEC006"], "reason": "legacy", "expires": "2026-12-07", "matched": true},
		{"rules": ["AVL001"], "reason": "batch", "expires": "", "matched": true},
	])
	count(exm005.deny) == 0 with input as f
}

test_allow_no_exemptions if {
	count(exm005.deny) == 0 with input as {"config_file": {"exemptions": []}, "today": "2026-12-07"}
}

test_deny_expired if {
	f := _file([
		{"rules": ["AVL001"], "reason": "batch", "expires": "", "matched": true},
		{"rules": ["SEC006", "SEC007"], "reason": "legacy image", "expires": "2026-12-06", "matched": false},
	])
	exm005.deny == {{
		"msg": "exemption from SEC006, SEC007 (legacy image) expired on 2026-12-06, so it exempts nothing: fix the findings and remove it, or write a later date",
		"path": ["exemptions", 1, "expires"],
	}} with input as f
}
