package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

func TestLoggerErrorsWithoutStackTrace(t *testing.T) {
	var buf bytes.Buffer
	newLogger(&buf).WithName("admission").Error(errors.New(`namespace "shop" not found`), "policy evaluation failed")
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("not one JSON line: %v\n%s", err, buf.String())
	}
	if _, ok := line["stacktrace"]; ok {
		t.Errorf("an error of one review carries a stack trace:\n%s", buf.String())
	}
	if line["error"] != `namespace "shop" not found` || line["msg"] != "policy evaluation failed" {
		t.Errorf("the line lacks the error or the message: %s", buf.String())
	}
}
