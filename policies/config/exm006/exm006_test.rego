package config.exm006_test

import data.config.exm006

_file(exemptions) := {"config_file": {"exemptions": exemptions}, "today": "2026-12-07"}

test_allow_far_or_none if {
	f := _file([
		{"rules": ["SEC006"], "reason": "legacy", "expires": "2026-12-22", "matched": true},
		{"rules": ["AVL001"], "reason": "batch", "expires": "", "matched": true},
		{"rules": ["NET001"], "reason": "old", "expires": "2026-12-06", "matched": true},
	])
	count(exm006.deny) == 0 with input as f
}

test_deny_within_14_days if {
	f := _file([{"rules": ["SEC006"], "reason": "legacy image", "expires": "2026-12-21", "matched": true}])
	exm006.deny == {{
		"msg": "exemption from SEC006 (legacy image) expires on 2026-12-21: fix the findings before then, or agree a later date",
		"path": ["exemptions", 0, "expires"],
	}} with input as f
}
