package kube

import (
	"encoding/json"

	"github.com/open-policy-agent/opa/v1/ast"
)

// AppendJSON appends the JSON of a Rego value to dst, byte for byte what
// json.Marshal writes for ast.JSON(v) (keys sorted, HTML characters
// escaped), without building the intermediate Go maps and slices. It
// reports false, with dst unspecified, for a value it does not write
// (sets, non-string keys, malformed numbers): the caller then takes the
// general route, whose errors it reports.
func AppendJSON(dst []byte, v ast.Value) ([]byte, bool) {
	switch x := v.(type) {
	case ast.Null:
		return append(dst, "null"...), true
	case ast.Boolean:
		if x {
			return append(dst, "true"...), true
		}
		return append(dst, "false"...), true
	case ast.Number:
		return appendNumber(dst, string(x))
	case ast.String:
		return appendString(dst, string(x)), true
	case *ast.Array:
		dst = append(dst, '[')
		for i := range x.Len() {
			if i > 0 {
				dst = append(dst, ',')
			}
			var ok bool
			if dst, ok = AppendJSON(dst, x.Elem(i).Value); !ok {
				return dst, false
			}
		}
		return append(dst, ']'), true
	case ast.Object:
		// Until visits keys in ast order, which for string keys is the
		// byte order json.Marshal sorts map keys in.
		dst = append(dst, '{')
		ok, first := true, true
		x.Until(func(k, val *ast.Term) bool {
			key, isString := k.Value.(ast.String)
			if !isString {
				ok = false
				return true
			}
			if !first {
				dst = append(dst, ',')
			}
			first = false
			dst = appendString(dst, string(key))
			dst = append(dst, ':')
			dst, ok = AppendJSON(dst, val.Value)
			return !ok
		})
		if !ok {
			return dst, false
		}
		return append(dst, '}'), true
	}
	return dst, false
}

// appendNumber writes a plain integer as it is; anything else goes through
// encoding/json, which validates it (and rejects what it rejects).
func appendNumber(dst []byte, s string) ([]byte, bool) {
	if isPlainInteger(s) {
		return append(dst, s...), true
	}
	b, err := json.Marshal(json.Number(s))
	if err != nil {
		return dst, false
	}
	return append(dst, b...), true
}

func isPlainInteger(s string) bool {
	if s != "" && s[0] == '-' {
		s = s[1:]
	}
	if s == "" || (s[0] == '0' && len(s) > 1) {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// appendString writes a string that needs no escaping as it is; any other
// (quotes, control or HTML characters, non-ASCII text) goes through
// encoding/json so that its escaping stays exactly json.Marshal's.
func appendString(dst []byte, s string) []byte {
	for i := range len(s) {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			b, _ := json.Marshal(s) // a string always marshals
			return append(dst, b...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}
