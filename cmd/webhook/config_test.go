package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/slotwise/slotcheck/internal/admission"
	"github.com/slotwise/slotcheck/internal/cli"
	"github.com/slotwise/slotcheck/internal/rules"
	"github.com/slotwise/slotcheck/policies"
)

// TestBadConfigRefusesToStart: a configuration file that does not load
// stops the webhook with exit status 2 and every problem at its line, before
// anything is served (the manager is never reached, hence nil).
func TestBadConfigRefusesToStart(t *testing.T) {
	engine, err := rules.New(context.Background(), policies.FS())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte("version: 1\nrules:\n  NOPE001: {disabled: true}\nexemptions:\n- rules: [SEC001]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	content, confPolicies, err := readConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = configuration(&serveOptions{config: path}, content, admission.ExemptionsBoth, engine, confPolicies, prometheus.NewRegistry(), nil, logr.Discard())
	var stderr bytes.Buffer
	if code := cli.ExitCode(&stderr, "slotcheck-webhook", err); code != cli.ExitUsage {
		t.Fatalf("exit status %d, want %d: %v", code, cli.ExitUsage, err)
	}
	for _, want := range []string{path + ":5:3: exemptions[0]: reason is required", path + ":3:3: unknown rule NOPE001"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
}

// TestExemptionsFlag: an unknown mode is a usage error, before anything
// else is read.
func TestExemptionsFlag(t *testing.T) {
	var out, errb bytes.Buffer
	code := execute(context.Background(), []string{"--exemptions", "team"}, streams{out: &out, err: &errb})
	if code != cli.ExitUsage || !strings.Contains(errb.String(), `--exemptions: exemptions "team": want config, annotations or both`) {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}
