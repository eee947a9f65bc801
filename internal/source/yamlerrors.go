package source

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
)

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// YAMLSyntaxError is where in src a yaml.v3 syntax error is and what it
// says, with the line always the file's own, counted from 1; the
// configuration loader reads its YAML errors through it too.
func YAMLSyntaxError(err error, src []byte) (line int, msg string) {
	msg = err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
		if isParserProblem(msg) {
			line++
		}
	} else if isParserProblem(strings.TrimPrefix(msg, "yaml: ")) {
		line = 1
	}
	// A problem found at the end of the stream belongs to the last line
	// that holds anything.
	if last := bytes.Count(bytes.TrimRight(src, " \t\r\n"), []byte("\n")) + 1; line > last {
		line = last
	}
	return line, strings.TrimPrefix(msg, "yaml: ")
}

// isParserProblem recognises the errors of yaml.v3's parser (not its
// scanner). For them yaml.v3 prints the 0-based line of the construct that
// failed (or of the problem), where scanner errors get a 1-based line:
// slotcheck adds the missing one so that every reported line is the file's
// own.
func isParserProblem(msg string) bool {
	switch msg {
	case "did not find expected <document start>",
		"found undefined tag handle",
		"did not find expected node content",
		"did not find expected '-' indicator",
		"did not find expected key",
		"did not find expected ',' or ']'",
		"did not find expected ',' or '}'",
		"found duplicate %YAML directive",
		"found incompatible YAML document",
		"found duplicate %TAG directive":
		return true
	}
	return false
}
