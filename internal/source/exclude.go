package source

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// setExcludes checks the --exclude globs once; a bad one is an input error
// and the others still apply.
func (l *loader) setExcludes(patterns []string) {
	for _, p := range patterns {
		g, err := glob(p)
		if err != nil {
			l.res.Errors = append(l.res.Errors, Error{File: p, Message: fmt.Sprintf("--exclude: %v", err)})
			continue
		}
		l.excludes = append(l.excludes, g)
	}
}

// excluded reports whether a glob matches the entry's name, its path
// relative to the folder scanned, or its path as reports show it. A glob
// without a slash can only match a name, as * and ? never match one.
func (l *loader) excluded(fp, root string) bool {
	if len(l.excludes) == 0 {
		return false
	}
	rel := filepath.ToSlash(fp)
	if r, err := filepath.Rel(root, fp); err == nil {
		rel = filepath.ToSlash(r)
	}
	candidates := []string{rel, l.display(fp), filepath.Base(fp)}
	for _, g := range l.excludes {
		for _, c := range candidates {
			if doublestar.MatchUnvalidated(g, c) {
				return true
			}
		}
	}
	return false
}

// glob checks an --exclude pattern and writes it with forward slashes, as
// the paths it is matched against are: * and ? stay within a path segment,
// ** spans segments.
func glob(pattern string) (string, error) {
	if pattern == "" {
		return "", errors.New("empty pattern")
	}
	g := strings.TrimPrefix(filepath.ToSlash(pattern), "./")
	if !doublestar.ValidatePattern(g) {
		return "", fmt.Errorf("pattern %q: %w", pattern, doublestar.ErrBadPattern)
	}
	return g, nil
}
