package lib.dates_test

import data.lib.dates

test_valid if {
	dates.valid("2027-03-31")
	not dates.valid("2027-13-01")
	not dates.valid("2027-3-31")
	not dates.valid("31/03/2027")
	not dates.valid(20270331)
}

test_past if {
	dates.past("2026-12-06") with input as {"today": "2026-12-07"}
	not dates.past("2026-12-07") with input as {"today": "2026-12-07"}
	not dates.past("2020-01-01") with input as {}
}

test_lapsed if {
	dates.lapsed("2026-12-06") with input as {"today": "2026-12-07"}
	dates.lapsed("soon") with input as {"today": "2026-12-07"}
	not dates.lapsed("") with input as {"today": "2026-12-07"}
	not dates.lapsed("2027-01-01") with input as {"today": "2026-12-07"}
}

test_soon if {
	dates.soon("2026-12-07") with input as {"today": "2026-12-07"}
	dates.soon("2026-12-21") with input as {"today": "2026-12-07"}
	not dates.soon("2026-12-22") with input as {"today": "2026-12-07"}
	not dates.soon("2026-12-06") with input as {"today": "2026-12-07"}
	dates.soon("2027-01-10") with input as {"today": "2026-12-31"}
	not dates.soon("2027-01-10") with input as {}
}
