package clidoc_test

import (
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/slotwise/slotcheck/internal/clidoc"
)

// tree is a small command tree with every case the reference treats apart.
func tree() *cobra.Command {
	root := &cobra.Command{Use: "tool [PATH...]", Short: "Check things", Version: "v1", RunE: func(*cobra.Command, []string) error { return nil }}
	root.PersistentFlags().String("config", "", "config file")
	root.Flags().StringP("format", "f", "text", "output format: a | b")
	root.Flags().StringArray("exclude", nil, "skip paths matching this `GLOB` (repeatable)")
	root.Flags().Duration("timeout", 8*time.Second, "deadline")
	root.Flags().Int("port", 0, "port; 0 picks one")
	root.Flags().Bool("strict", false, "fail on *any* note, like <env>_name")
	root.Flags().String("secret", "", "not for users")
	_ = root.Flags().MarkHidden("secret")
	root.Flags().String("old", "", "replaced")
	_ = root.Flags().MarkDeprecated("old", "use --format")
	sub := &cobra.Command{Use: "sub ID", Short: "Do a sub thing", Long: "Do a sub thing,\nat length.", Aliases: []string{"s"}, Example: "tool sub X", RunE: func(*cobra.Command, []string) error { return nil }}
	hidden := &cobra.Command{Use: "hidden", Short: "internal", Hidden: true, RunE: func(*cobra.Command, []string) error { return nil }}
	root.AddCommand(sub, hidden)
	return root
}

func TestMarkdown(t *testing.T) {
	var b strings.Builder
	if err := clidoc.Markdown(&b, tree(), "make docs"); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	tests := []struct {
		name    string
		want    string
		present bool
	}{
		{name: "title", want: "# tool command reference\n", present: true},
		{name: "regeneration command", want: "by `make docs`", present: true},
		{name: "usage line", want: "```\ntool [PATH...] [flags]\n```", present: true},
		{name: "shorthand and quoted string default", want: "| `--format`, `-f` | `string` | `\"text\"` | output format: a \\| b |", present: true},
		{name: "argument name from the usage", want: "| `--exclude` | `GLOB` |  | skip paths matching this GLOB (repeatable) |", present: true},
		{name: "duration default", want: "| `--timeout` | `duration` | `8s` | deadline |", present: true},
		{name: "zero int default left out", want: "| `--port` | `int` |  | port; 0 picks one |", present: true},
		{name: "Markdown and HTML escaped", want: "| `--strict` |  |  | fail on \\*any\\* note, like &lt;env&gt;\\_name |", present: true},
		{name: "help flag added as cobra adds it", want: "| `--help`, `-h` |  |  | help for tool |", present: true},
		{name: "version flag added as cobra adds it", want: "| `--version`, `-v` |  |  | version for tool |", present: true},
		{name: "persistent flag on its command", want: "| `--config` | `string` |  | config file |", present: true},
		{name: "persistent flag inherited", want: "Flags inherited from the parent commands:\n\n| flag | value | default | meaning |\n| --- | --- | --- | --- |\n| `--config` |", present: true},
		{name: "subcommand listed with its anchor", want: "| [`tool sub`](#tool-sub) | Do a sub thing |", present: true},
		{name: "long description preferred", want: "## tool sub\n\nDo a sub thing,\nat length.\n", present: true},
		{name: "aliases", want: "Aliases: `s`.", present: true},
		{name: "example", want: "Examples:\n\n```\ntool sub X\n```", present: true},
		{name: "completion command added as cobra adds it", want: "## tool completion bash\n", present: true},
		{name: "hidden flag", want: "--secret", present: false},
		{name: "deprecated flag", want: "--old", present: false},
		{name: "hidden command", want: "tool hidden", present: false},
		{name: "help command", want: "## tool help", present: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if strings.Contains(got, tt.want) != tt.present {
				t.Errorf("reference contains %q: %v, want %v\n%s", tt.want, !tt.present, tt.present, got)
			}
		})
	}
}
