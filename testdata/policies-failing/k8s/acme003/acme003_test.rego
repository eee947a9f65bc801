package k8s.acme003_test

import data.k8s.acme003

test_allow_other_names if {
	count(acme003.deny) == 0 with input as {"object": {"metadata": {"name": "test"}}}
}
