package version

// Repository is slotcheck's home, where its documentation lives.
const Repository = "https://github.com/slotwise/slotcheck"

// RulesDoc is the generated rule reference; a rule's anchor is its id in lower case.
const RulesDoc = Repository + "/blob/main/docs/rules.md"
