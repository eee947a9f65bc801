# METADATA
# title: Configuration exemptions about to expire
# description: |
#   An exemption of the configuration file whose expires date is at most 14
#   days away is announced, so that the findings it covers are fixed, or the
#   exemption renewed, before the day it stops suppressing them and the build
#   fails.
# custom:
#   id: EXM006
#   severity: note
#   section: Deployment Checklist
#   remediation: |
#     Fix the findings the exemption covers and remove it, or, if its reason
#     still holds, agree a later date and write it as its expires.
#   environments: [development, staging, production]
#   admission: false
package config.exm006

import data.lib.dates

deny contains {"msg": msg, "path": ["exemptions", i, "expires"]} if {
	some i, e in input.config_file.exemptions
	dates.soon(e.expires)
	msg := sprintf(
		"exemption from %s (%s) expires on %s: fix the findings before then, or agree a later date",
		[concat(", ", e.rules), e.reason, e.expires],
	)
}
