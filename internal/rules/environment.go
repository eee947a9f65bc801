package rules

import (
	"fmt"
	"slices"
	"strings"
)

// DefaultEnvironment is used when nothing names one: a gate that guesses
// should guess strict.
const DefaultEnvironment = "production"

// ParseEnvironment accepts an environment name or one of its short forms.
func ParseEnvironment(s string) (string, error) {
	if env, ok := environmentWord(strings.ToLower(strings.TrimSpace(s))); ok {
		return env, nil
	}
	return "", fmt.Errorf("environment %q: want one of %s", s, strings.Join(Environments(), ", "))
}

// environmentWord maps the words RULES.md recognises in namespaces and paths.
func environmentWord(w string) (string, bool) {
	switch w {
	case "development", "dev":
		return "development", true
	case "staging":
		return "staging", true
	case "production", "prod":
		return "production", true
	}
	return "", false
}

// ResolveEnvironment decides an object's environment in the order RULES.md
// gives: the explicit setting, the namespace's suffix (-dev, -development,
// -staging, -prod, -production, or the bare word), a segment of the file's
// path (the one nearest the file wins), then DefaultEnvironment.
func ResolveEnvironment(explicit, namespace, file string) string {
	if explicit != "" {
		return explicit
	}
	if namespace != "" {
		ns := strings.ToLower(namespace)
		word := ns[strings.LastIndex(ns, "-")+1:]
		if env, ok := environmentWord(word); ok {
			return env
		}
	}
	if file != "" {
		segs := strings.Split(strings.ToLower(strings.ReplaceAll(file, "\\", "/")), "/")
		segs = segs[:len(segs)-1] // the file name itself is not a folder
		for _, s := range slices.Backward(segs) {
			if env, ok := environmentWord(s); ok {
				return env
			}
		}
	}
	return DefaultEnvironment
}

// EnvironmentLabel is the namespace label that names the environment of the
// objects in a cluster namespace, above what the namespace's name says.
const EnvironmentLabel = "slotcheck.slotwise.com/environment"

// NamespaceEnvironment is the environment of the objects of a cluster
// namespace: its EnvironmentLabel, else what its name says. The webhook and
// the cluster audit both ask it, so that an object judged at admission and
// the same object audited later are judged in the same environment.
func NamespaceEnvironment(name string, labels map[string]string) (string, error) {
	e, ok := labels[EnvironmentLabel]
	if !ok {
		return ResolveEnvironment("", name, ""), nil
	}
	env, err := ParseEnvironment(e)
	if err != nil {
		return "", fmt.Errorf("namespace %s label %s: %w", name, EnvironmentLabel, err)
	}
	return env, nil
}
