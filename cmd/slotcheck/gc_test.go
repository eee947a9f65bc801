package main

import (
	"testing"
)

// TestHoldsItsInput: the collector is tuned for lint, however it is named,
// and left alone for an audit, wherever its flags stand.
func TestHoldsItsInput(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want bool
	}{
		{name: "lint by default", args: []string{"k8s/"}, want: true},
		{name: "lint", args: []string{"lint", "-f", "json", "k8s/"}, want: true},
		{name: "no arguments", args: nil, want: true},
		{name: "audit", args: []string{"audit", "-n", "shop"}, want: false},
		{name: "audit after a root flag", args: []string{"--no-color", "audit"}, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := holdsItsInput(tt.args); got != tt.want {
				t.Errorf("holdsItsInput(%q) = %t, want %t", tt.args, got, tt.want)
			}
		})
	}
}
