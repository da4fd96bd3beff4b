package report

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/concurrency-kit/kit/grader/event"
)

// TextOptions control how a document is rendered for people.
type TextOptions struct {
	Color bool // ANSI colours, for terminals only
	// Width is the terminal's width in columns; no line is wider. Long
	// messages are wrapped, never cut. 80 when unknown (0).
	Width int
	// Detail shows every test and the output of failed tests (grader run).
	Detail bool
	// All shows every exercise in full. Without it, the view is focused:
	// finished exercises take one line, the first unfinished one is shown
	// in full, later ones with progress take one line each, and the ones
	// not started are counted.
	All bool
}

// maxOutputLines bounds a failed test's output in the text view; the JSON
// document has all of it.
const maxOutputLines = 40

type palette struct{ green, red, yellow, dim, bold, reset string }

func newPalette(color bool) palette {
	if !color {
		return palette{}
	}
	return palette{"\x1b[32m", "\x1b[31m", "\x1b[33m", "\x1b[2m", "\x1b[1m", "\x1b[0m"}
}

// textWriter renders one document.
type textWriter struct {
	b     strings.Builder
	p     palette
	width int
}

// WriteText renders the document for a terminal: a line per exercise, the
// failed tests of the exercise to work on with cause and message, notes
// and the total.
func WriteText(w io.Writer, d *Document, opts TextOptions) error {
	if opts.Width <= 0 {
		opts.Width = 80
	}
	tw := &textWriter{p: newPalette(opts.Color), width: max(opts.Width, 40)}
	focus := -1 // the exercise shown in full in the focused view
	for i, e := range d.Exercises {
		if !e.Done() {
			focus = i
			break
		}
	}
	notStarted := 0
	for i, e := range d.Exercises {
		switch {
		case opts.All || opts.Detail || i == focus:
			tw.exercise(e, opts.Detail)
		case i < focus || focus < 0 || e.Passed > 0:
			tw.summary(e)
		default:
			notStarted++
		}
	}
	if notStarted > 0 {
		tw.line("  "+tw.p.dim, fmt.Sprintf("%d more exercises not started yet (--all shows every exercise)", notStarted))
	}
	tw.notes(d)
	fmt.Fprintf(&tw.b, "%sTotal: %s / %s%s\n", tw.p.bold, num(d.Score), num(d.MaxScore), tw.p.reset)
	_, err := io.WriteString(w, tw.b.String())
	return err
}

// summary is an exercise's line: mark, folder, score and tests passed.
func (tw *textWriter) summary(e Exercise) {
	mark, color := "✗", tw.p.red
	switch {
	case e.Done():
		mark, color = "✓", tw.p.green
	case e.Passed > 0:
		mark, color = "~", tw.p.yellow
	}
	// "✓ exercises/01_goroutines          10 / 10   1/1 tests": the test
	// count goes first when the terminal is too narrow for it.
	tests := fmt.Sprintf("%d/%d tests", e.Passed, e.Total)
	pathWidth := 28
	if tw.width < 2+pathWidth+15+len(tests) {
		tests = ""
	}
	pathWidth = min(pathWidth, tw.width-16)
	fmt.Fprintf(&tw.b, "%s%s %-*s%s %6s / %-4s %s%s%s\n",
		color, mark, pathWidth, e.Path, tw.p.reset, num(e.Score), num(e.MaxScore), tw.p.dim, tests, tw.p.reset)
}

// exercise is an exercise in full: its line, then each failed test with its
// cause and message (and with detail, the passed tests and the output).
func (tw *textWriter) exercise(e Exercise, detail bool) {
	tw.summary(e)
	if msg, ok := buildFailure(e); ok {
		tw.line("    "+tw.p.red+"✗ "+tw.p.reset, tw.p.bold+"does not build"+tw.p.reset+" (every test fails)")
		tw.wrapped("      ", msg)
		if detail && len(e.Tests) > 0 {
			tw.output(e.Tests[0].Output)
		}
		return
	}
	for _, t := range e.Tests {
		if t.Status == Pass {
			if detail {
				tw.line("    "+tw.p.green+"✓ ", t.Name+tw.p.reset)
			}
			continue
		}
		tw.line("    "+tw.p.red+"✗ "+tw.p.reset, t.Name+" "+tw.p.bold+"("+string(t.Cause)+")"+tw.p.reset)
		tw.wrapped("      ", t.Message)
		if detail {
			tw.output(t.Output)
		}
	}
}

// buildFailure reports whether every test failed with the same build
// message: a compile error is shown once, not once per test.
func buildFailure(e Exercise) (string, bool) {
	if len(e.Tests) == 0 {
		return "", false
	}
	msg := e.Tests[0].Message
	for _, t := range e.Tests {
		if t.Cause != event.CauseBuild || t.Message != msg {
			return "", false
		}
	}
	return msg, true
}

// output shows a failed test's output, at most maxOutputLines lines.
func (tw *textWriter) output(out string) {
	out = strings.TrimRight(out, "\n")
	if out == "" {
		return
	}
	lines := strings.Split(out, "\n")
	for i, line := range lines {
		if i == maxOutputLines {
			tw.line("        "+tw.p.dim, fmt.Sprintf("[%d more lines: --json shows the whole output]", len(lines)-i)+tw.p.reset)
			return
		}
		for _, part := range hardWrap(line, tw.width-8) {
			tw.line("        "+tw.p.dim, part+tw.p.reset)
		}
	}
}

// notes tells the student what the grade did not take from their folder,
// and how the tests were contained.
func (tw *textWriter) notes(d *Document) {
	note := tw.p.yellow + "note:" + tw.p.reset + " "
	for _, f := range d.ChangedKitFiles {
		tw.wrappedAfter(note, "      ", f+" differs from the kit's copy; the kit's was used. Restore it: git checkout -- "+f)
	}
	for _, f := range d.IgnoredFiles {
		tw.wrappedAfter(note, "      ", f+" was not graded: only the files the exercise lists count.")
	}
	if d.Sandbox == "unsandboxed" {
		tw.wrappedAfter(tw.p.dim+"note: ", "      ", "the tests ran without the sandbox (see grader/README.md)."+tw.p.reset)
	}
}

// line writes prefix and text as one line.
func (tw *textWriter) line(prefix, text string) {
	tw.b.WriteString(prefix + text + "\n")
}

// wrapped writes text word-wrapped to the width, every line after indent.
func (tw *textWriter) wrapped(indent, text string) {
	tw.wrappedAfter(indent, indent, text)
}

// wrappedAfter writes text word-wrapped, the first line after first and the
// others after indent (first may hold colour codes; its visible width is
// taken as indent's).
func (tw *textWriter) wrappedAfter(first, indent, text string) {
	for i, line := range wrap(text, tw.width-len(indent)) {
		if i == 0 {
			tw.line(first, line)
		} else {
			tw.line(indent, line)
		}
	}
}

// Wrap breaks text into lines of at most width columns, at spaces where it
// can, for any text shown to people (a hint, a message).
func Wrap(text string, width int) []string { return wrap(text, width) }

// wrap breaks text into lines of at most width runes, at spaces where it
// can; a word longer than a line is broken. Line breaks in text are kept.
func wrap(text string, width int) []string {
	width = max(width, 10)
	var lines []string
	for _, paragraph := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		line := ""
		for _, word := range strings.Fields(paragraph) {
			for utf8.RuneCountInString(word) > width {
				if line != "" {
					lines = append(lines, line)
					line = ""
				}
				r := []rune(word)
				lines = append(lines, string(r[:width]))
				word = string(r[width:])
			}
			switch {
			case line == "":
				line = word
			case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) <= width:
				line += " " + word
			default:
				lines = append(lines, line)
				line = word
			}
		}
		lines = append(lines, line)
	}
	return lines
}

// hardWrap cuts a line of output into pieces of at most width runes,
// keeping its spacing (output is not prose).
func hardWrap(line string, width int) []string {
	width = max(width, 10)
	r := []rune(line)
	var parts []string
	for len(r) > width {
		parts = append(parts, string(r[:width]))
		r = r[width:]
	}
	return append(parts, string(r))
}

// num prints a score without needless decimals.
func num(x float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", x), "0"), ".")
}
