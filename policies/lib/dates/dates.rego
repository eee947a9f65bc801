# METADATA
# title: Expiry dates
# description: |
#   Days written YYYY-MM-DD, as exemptions' expiry dates are, compared with
#   input.today, the day of the scan. Written so, days sort as text, so no date
#   is parsed but today's: a date that cannot be read is no date, never an
#   evaluation error.
package lib.dates

# soon_days is how far ahead an expiry is announced.
soon_days := 14

# valid holds for a day written YYYY-MM-DD.
valid(day) if {
	is_string(day)
	regex.match(`^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$`, day)
}

# past holds for a day before today. Without input.today no day is past.
past(day) if {
	valid(day)
	day < input.today
}

# lapsed holds for an expiry that ends an exemption: a day past, or a value
# written that is no day. An empty expiry ("") never lapses.
lapsed(day) if past(day)

lapsed(day) if {
	day != ""
	not valid(day)
}

# soon holds for a day from today to soon_days on: the last days an
# exemption applies.
soon(day) if {
	valid(day)
	day >= input.today
	day <= _horizon
}

_horizon := time.format([time.add_date(time.parse_ns("2006-01-02", input.today), 0, 0, soon_days), "UTC", "2006-01-02"])
