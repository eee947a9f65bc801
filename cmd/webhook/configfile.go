package main

import (
	"os"

	"github.com/slotwise/slotcheck/internal/cli"
)

// readConfig reads --config once at start: the policy folders it names
// compile into the engine, and its content is the configuration source's
// first load (admission.ConfigSourceOptions.Content), so that both come
// from one version of the file even if it changes meanwhile. A file that
// cannot be read gives neither: the configuration source reads it again
// and stops the webhook with why.
func readConfig(path string) (content []byte, policies []string, err error) {
	if path == "" {
		return nil, nil, nil
	}
	content, err = os.ReadFile(path)
	if err != nil {
		return nil, nil, nil
	}
	policies, err = cli.ConfigPolicies(path, content)
	return content, policies, err
}
