// Package clidoc writes the Markdown reference of a cobra command tree: every
// command a user can run, its usage line and a table of its flags. The
// reference is generated from the commands themselves, so that the flags the
// documentation lists are the flags the binary parses; the commands' tests
// hold the committed reference to what this package writes.
package clidoc

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Markdown writes the reference of root and every available command below
// it, depth first in cobra's (sorted) order, under a first-level title.
// regenerate is the command line that rewrites the reference, named in the
// header so that a reader who edits the file by hand finds the way back.
//
// The help command, the help and version flags and the completion command
// are added first, as cobra adds them when the command runs, so that the
// reference lists what the binary accepts.
func Markdown(w io.Writer, root *cobra.Command, regenerate string) error {
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	var b strings.Builder
	fmt.Fprintf(&b, "# %s command reference\n\n", root.Name())
	fmt.Fprintf(&b, "<!-- Generated from the cobra commands by `%s`. Do not edit. -->\n", regenerate)
	writeCommand(&b, root)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeCommand writes one command's section, then its subcommands'.
func writeCommand(b *strings.Builder, c *cobra.Command) {
	c.InitDefaultHelpFlag()
	c.InitDefaultVersionFlag()
	fmt.Fprintf(b, "\n## %s\n\n", c.CommandPath())
	description := c.Long
	if description == "" {
		description = c.Short
	}
	fmt.Fprintf(b, "%s\n", strings.TrimSpace(description))
	if c.Runnable() {
		fmt.Fprintf(b, "\n```\n%s\n```\n", c.UseLine())
	}
	if len(c.Aliases) > 0 {
		fmt.Fprintf(b, "\nAliases: `%s`.\n", strings.Join(c.Aliases, "`, `"))
	}
	if c.Example != "" {
		fmt.Fprintf(b, "\nExamples:\n\n```\n%s\n```\n", strings.Trim(c.Example, "\n"))
	}
	writeFlags(b, "Flags", c.NonInheritedFlags())
	writeFlags(b, "Flags inherited from the parent commands", c.InheritedFlags())
	subs := available(c)
	if len(subs) > 0 {
		b.WriteString("\n| command | what it does |\n| --- | --- |\n")
		for _, s := range subs {
			fmt.Fprintf(b, "| [`%s`](#%s) | %s |\n", s.CommandPath(), anchor(s.CommandPath()), cell(s.Short))
		}
	}
	for _, s := range subs {
		writeCommand(b, s)
	}
}

// writeFlags writes a table of the visible flags of fs, if it has any.
func writeFlags(b *strings.Builder, title string, fs *pflag.FlagSet) {
	var rows []string
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden || f.Deprecated != "" {
			return
		}
		name := "`--" + f.Name + "`"
		if f.Shorthand != "" && f.ShorthandDeprecated == "" {
			name += ", `-" + f.Shorthand + "`"
		}
		arg, usage := pflag.UnquoteUsage(f)
		rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s |", name, code(arg), code(defaultValue(f)), cell(usage)))
	})
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s:\n\n| flag | value | default | meaning |\n| --- | --- | --- | --- |\n%s\n", title, strings.Join(rows, "\n"))
}

// available is c's subcommands a user can run: neither hidden, deprecated
// nor the help command.
func available(c *cobra.Command) []*cobra.Command {
	var subs []*cobra.Command
	for _, s := range c.Commands() {
		if s.IsAvailableCommand() && !s.IsAdditionalHelpTopicCommand() {
			subs = append(subs, s)
		}
	}
	return subs
}

// defaultValue is the flag's default as --help would show it, or nothing
// when it is the zero value of its type (pflag leaves those out too).
func defaultValue(f *pflag.Flag) string {
	switch {
	case f.DefValue == "":
		return ""
	case f.Value.Type() == "string":
		return fmt.Sprintf("%q", f.DefValue)
	case f.DefValue == "false" || f.DefValue == "[]" || f.DefValue == "0" || f.DefValue == "0s":
		return ""
	}
	return f.DefValue
}

// anchor is the fragment GitHub gives the heading text h.
func anchor(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(h) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || ('a' <= r && r <= 'z') || ('0' <= r && r <= '9'):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// code writes s as inline code, or nothing when it is empty.
func code(s string) string {
	if s == "" {
		return ""
	}
	return "`" + s + "`"
}

// cellEscaper keeps a text inside its table cell and out of Markdown and
// HTML syntax: usage strings are plain text.
var cellEscaper = strings.NewReplacer(`\`, `\\`, "|", `\|`, "<", "&lt;", ">", "&gt;", "*", `\*`, "_", `\_`, "`", "\\`", "\n", " ")

func cell(s string) string { return cellEscaper.Replace(s) }
