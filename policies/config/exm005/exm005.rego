# METADATA
# title: Configuration exemptions are in date
# description: |
#   An exemption of the configuration file (.slotcheck.yaml) may say when it
#   ends, with expires: YYYY-MM-DD, the last day it applies. After that day it
#   suppresses nothing, and this rule reports it at the exemption, so that an
#   exemption granted for a while does not stay for ever unnoticed.
# custom:
#   id: EXM005
#   severity: error
#   section: Deployment Checklist
#   remediation: |
#     Fix the findings the exemption covered and remove it from the
#     configuration, or, if its reason still holds, agree a later date and
#     write it as its expires.
#   environments: [development, staging, production]
#   admission: false
package config.exm005

import data.lib.dates

deny contains {"msg": msg, "path": ["exemptions", i, "expires"]} if {
	some i, e in input.config_file.exemptions
	dates.past(e.expires)
	msg := sprintf(
		"exemption from %s (%s) expired on %s, so it exempts nothing: fix the findings and remove it, or write a later date",
		[concat(", ", e.rules), e.reason, e.expires],
	)
}
