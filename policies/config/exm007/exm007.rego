# METADATA
# title: Configuration exemptions still exempt something
# description: |
#   An exemption of the configuration file that matched no finding in the scan
#   is stale: what it excused has been fixed, or its selectors name nothing.
#   Reporting it lets the list of exemptions shrink as teams fix things, rather
#   than keep excuses that would silently cover a new finding later. An expired
#   exemption is reported as such (EXM005), not as stale.
# custom:
#   id: EXM007
#   severity: note
#   section: Deployment Checklist
#   remediation: |
#     Remove the exemption from the configuration, or correct its rules and
#     selectors (kinds, namespaces, names, containers, paths) if it was meant
#     to match.
#   environments: [development, staging, production]
#   admission: false
package config.exm007

import data.lib.dates

deny contains {"msg": msg, "path": ["exemptions", i]} if {
	some i, e in input.config_file.exemptions
	e.matched == false
	not dates.past(e.expires)
	msg := sprintf(
		"exemption from %s (%s) matched no finding in this scan: remove it, or correct its selectors",
		[concat(", ", e.rules), e.reason],
	)
}
