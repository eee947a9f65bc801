package config.exm007_test

import data.config.exm007

_file(exemptions) := {"config_file": {"exemptions": exemptions}, "today": "2026-12-07"}

test_allow_matched_or_expired if {
	f := _file([
		{"rules": ["SEC006"], "reason": "legacy", "expires": "", "matched": true},
		{"rules": ["NET001"], "reason": "old", "expires": "2026-12-06", "matched": false},
	])
	count(exm007.deny) == 0 with input as f
}

test_deny_unmatched if {
	f := _file([
		{"rules": ["SEC006"], "reason": "legacy", "expires": "", "matched": true},
		{"rules": ["AVL001", "AVL003"], "reason": "batch consumer", "expires": "2027-03-31", "matched": false},
	])
	exm007.deny == {{
		"msg": "exemption from AVL001, AVL003 (batch consumer) matched no finding in this scan: remove it, or correct its selectors",
		"path": ["exemptions", 1],
	}} with input as f
}
