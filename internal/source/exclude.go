package source

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

func (l *loader) excluded(fp, root string) bool {
	if len(l.excludes) == 0 {
		return false
	}
	rel := filepath.ToSlash(fp)
	if r, err := filepath.Rel(root, fp); err == nil {
		rel = filepath.ToSlash(r)
	}
	candidates := []string{rel, l.display(fp), filepath.Base(fp)}
	for _, re := range l.excludes {
		for _, c := range candidates {
			if re.MatchString(c) {
				return true
			}
		}
	}
	return false
}

// globRegexp compiles a glob: * and ? stay within a path segment, ** spans
// segments. A pattern without a slash matches a single name.
func globRegexp(pattern string) (*regexp.Regexp, error) {
	if pattern == "" {
		return nil, errors.New("empty pattern")
	}
	var b strings.Builder
	b.WriteString("^")
	p := strings.TrimPrefix(filepath.ToSlash(pattern), "./")
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '*':
			if i+1 < len(p) && p[i+1] == '*' {
				i++
				if i+1 < len(p) && p[i+1] == '/' {
					i++
					b.WriteString("(?:.*/)?")
				} else {
					b.WriteString(".*")
				}
			} else {
				b.WriteString("[^/]*")
			}
		case '?':
			b.WriteString("[^/]")
		case '[':
			j := strings.IndexByte(p[i:], ']')
			if j < 0 {
				return nil, fmt.Errorf("pattern %q: unclosed [", pattern)
			}
			b.WriteString(p[i : i+j+1])
			i += j
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}
