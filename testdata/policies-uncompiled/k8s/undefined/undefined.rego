# METADATA
# title: Calls an undefined function
# description: No such function.
# custom:
#   id: UNDEF001
#   severity: error
#   section: Ownership
#   remediation: Define it.
#   environments: [production]
package k8s.undefined

deny contains {"msg": "x"} if {
	no_such_function(input.object)
}
