package report

import (
	"fmt"
	"io"
	"strings"
)

// TextOptions control how a document is rendered for people.
type TextOptions struct {
	Color  bool // ANSI colours, for terminals only
	Width  int  // the terminal's width in columns
	Detail bool // show every test and the output of failed tests
}

type palette struct{ green, red, yellow, dim, bold, reset string }

func newPalette(color bool) palette {
	if !color {
		return palette{}
	}
	return palette{"\x1b[32m", "\x1b[31m", "\x1b[33m", "\x1b[2m", "\x1b[1m", "\x1b[0m"}
}

// WriteText renders the document as a table: one line per exercise, its
// failed tests with cause and message under it, and the total.
func WriteText(w io.Writer, d *Document, opts TextOptions) error {
	if opts.Width < 40 {
		opts.Width = 80
	}
	p := newPalette(opts.Color)
	nameWidth := 20
	for _, e := range d.Exercises {
		for _, t := range e.Tests {
			nameWidth = max(nameWidth, min(len(t.Name), 44))
		}
	}
	var b strings.Builder
	for _, e := range d.Exercises {
		mark, color := "✗", p.red
		switch {
		case e.Done():
			mark, color = "✓", p.green
		case e.Passed > 0:
			mark, color = "~", p.yellow
		}
		fmt.Fprintf(&b, "%s%s %-28s%s %7s / %-5s %s%d/%d tests%s\n",
			color, mark, e.Path, p.reset, num(e.Score), num(e.MaxScore), p.dim, e.Passed, e.Total, p.reset)
		for _, t := range e.Tests {
			if t.Status == Pass {
				if opts.Detail {
					fmt.Fprintf(&b, "    %s✓ %s%s\n", p.green, t.Name, p.reset)
				}
				continue
			}
			msg := fit(t.Message, opts.Width-(4+2+nameWidth+1+8+1))
			fmt.Fprintf(&b, "%s    ✗ %s%-*s %s%-8s%s %s\n", p.red, p.reset, nameWidth, t.Name, p.bold, t.Cause, p.reset, msg)
			if opts.Detail && t.Output != "" {
				for line := range strings.Lines(strings.TrimRight(t.Output, "\n")) {
					fmt.Fprintf(&b, "        %s%s%s\n", p.dim, strings.TrimRight(line, "\n"), p.reset)
				}
			}
		}
	}
	writeNotes(&b, d, p)
	fmt.Fprintf(&b, "%sTotal: %s / %s%s\n", p.bold, num(d.Score), num(d.MaxScore), p.reset)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeNotes tells the student what the grade did not take from their
// folder, and how the tests were contained.
func writeNotes(b *strings.Builder, d *Document, p palette) {
	for _, f := range d.ChangedKitFiles {
		fmt.Fprintf(b, "%snote:%s %s differs from the kit's copy; the kit's was used.\n", p.yellow, p.reset, f)
		fmt.Fprintf(b, "      Restore it: git checkout -- %s\n", f)
	}
	for _, f := range d.IgnoredFiles {
		fmt.Fprintf(b, "%snote:%s %s was not graded: only the files the exercise lists count.\n", p.yellow, p.reset, f)
	}
	if d.Sandbox == "unsandboxed" {
		fmt.Fprintf(b, "%snote: the tests ran without the sandbox (see grader/README.md).%s\n", p.dim, p.reset)
	}
}

// num prints a score without needless decimals.
func num(x float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", x), "0"), ".")
}

// fit cuts s to one line of at most width runes.
func fit(s string, width int) string {
	s, _, _ = strings.Cut(s, "\n")
	r := []rune(s)
	if width < 10 {
		width = 10
	}
	if len(r) > width {
		return string(r[:width-1]) + "…"
	}
	return s
}
