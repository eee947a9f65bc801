// Package strictyaml decodes yaml.v3 nodes into typed Go values strictly.
//
// yaml.v3's own decoding is lenient where slotcheck's inputs must not be: it
// skips a key the struct does not name (a typo silently changes nothing) and
// turns 123 into "123" for a string field. Here an unknown or repeated key,
// a value of the wrong YAML type, a value its type refuses and a broken tag
// constraint are each a problem at its line and column, named by its dotted
// path (custom.reads[0].kind, exemptions[0].expires). Decoding goes on after
// a problem, so that one run reports them all.
package strictyaml
