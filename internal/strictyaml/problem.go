package strictyaml

// Kind says what sort of problem a Problem is, so that a caller can tell a
// value left unset for its type from a key that was merely misspelt.
type Kind int

// The kinds of problem.
const (
	// WrongType is a value of another YAML type than its field's; the
	// field is left unset.
	WrongType Kind = iota
	// Unknown is a key the struct does not name.
	Unknown
	// Repeated is a key written twice in one mapping.
	Repeated
	// Invalid is a value its type refuses (Scalar.SetScalar failed).
	Invalid
	// Constraint is a broken required, minLength or minItems tag.
	Constraint
)

// Problem is one thing wrong with the decoded YAML, at its place.
type Problem struct {
	// Line and Column are 1-based, as yaml.v3 counts them.
	Line, Column int
	// Path is the dotted path of the value the problem is about; for an
	// unknown or repeated key, the path the key would have.
	Path string
	Kind Kind
	// Msg is the whole message, beginning with the path it names.
	Msg string
}
