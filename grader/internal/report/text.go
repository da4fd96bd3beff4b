package report

import (
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/concurrency-kit/kit/grader/event"
	"github.com/concurrency-kit/kit/grader/internal/i18n"
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
	// Printer writes the view's own words in the student's language; the
	// zero Printer writes English. Cause identifiers and messages from the
	// tests are not translated.
	Printer i18n.Printer
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
	tr    i18n.Printer
}

// WriteText renders the document for a terminal: a line per exercise, the
// failed tests of the exercise to work on with cause and message, notes
// and the total.
func WriteText(w io.Writer, d *Document, opts TextOptions) error {
	if opts.Width <= 0 {
		opts.Width = 80
	}
	tw := &textWriter{p: newPalette(opts.Color), width: max(opts.Width, 40), tr: opts.Printer}
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
		tw.line("  "+tw.p.dim, tw.tr.Trf("%d more exercises not started yet (--all shows every exercise)", notStarted)+tw.p.reset)
	}
	tw.notes(d)
	fmt.Fprintf(&tw.b, "%s%s%s\n", tw.p.bold, tw.tr.Trf("Total: %s / %s", num(d.Score), num(d.MaxScore)), tw.p.reset)
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
	tests := tw.tr.Trf("%d/%d tests", e.Passed, e.Total)
	pathWidth := 28
	if tw.width < 2+pathWidth+15+i18n.Width(tests) {
		tests = ""
	}
	pathWidth = min(pathWidth, tw.width-16)
	fmt.Fprintf(&tw.b, "%s%s %-*s%s %6s / %-4s %s%s%s\n",
		color, mark, pathWidth, e.Path, tw.p.reset, num(e.Score), num(e.MaxScore), tw.p.dim, tests, tw.p.reset)
}

// exercise is an exercise in full: its line, then each failed test with its
// cause and message (and with detail, the passed tests and the output),
// then go vet's notes.
func (tw *textWriter) exercise(e Exercise, detail bool) {
	tw.summary(e)
	defer tw.vetNotes(e.Notes)
	if msg, ok := buildFailure(e); ok {
		tw.line("    "+tw.p.red+"✗ "+tw.p.reset, tw.p.bold+tw.tr.Tr("does not build")+tw.p.reset+tw.tr.Tr(" (every test fails)"))
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
		tw.line("    "+tw.p.red+"✗ "+tw.p.reset, t.Name+" "+tw.p.bold+"("+tw.tr.Cause(t.Cause)+")"+tw.p.reset)
		tw.wrapped("      ", t.Message)
		if detail {
			tw.output(t.Output)
		}
	}
}

// vetNotes shows go vet's findings in the student's files.
func (tw *textWriter) vetNotes(notes []Note) {
	for _, n := range notes {
		tw.wrappedAfter("    "+tw.p.yellow+"go vet"+tw.p.reset+" ", "      ", fmt.Sprintf("%s:%d: %s (%s)", path.Base(n.File), n.Line, n.Message, n.Check))
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
			tw.line("        "+tw.p.dim, tw.tr.Trf("[%d more lines: --json shows the whole output]", len(lines)-i)+tw.p.reset)
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
	note := tw.p.yellow + tw.tr.Tr("note:") + tw.p.reset + " "
	for _, f := range d.ChangedKitFiles {
		tw.wrappedAfter(note, "      ", tw.tr.Trf("%s differs from the kit's copy; the kit's was used. Restore it: git checkout -- %s", f, f))
	}
	for _, f := range d.IgnoredFiles {
		tw.wrappedAfter(note, "      ", tw.tr.Trf("%s was not graded: only the files the exercise lists count.", f))
	}
	if d.Sandbox == "unsandboxed" {
		tw.wrappedAfter(tw.p.dim+tw.tr.Tr("note:")+" ", "      ", tw.tr.Tr("the tests ran without the sandbox (see grader/README.md).")+tw.p.reset)
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

// wrap breaks text into lines of at most width columns (a Chinese
// character takes two), at spaces where it can. A word longer than a line
// is broken, and so is a word with Chinese in it that does not fit: Chinese
// has no spaces and may break between any two characters. Line breaks in
// text are kept.
func wrap(text string, width int) []string {
	width = max(width, 10)
	var lines []string
	for _, paragraph := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		line := ""
		for _, word := range strings.Fields(paragraph) {
			for i18n.Width(word) > width || (wide(word) && line != "" && i18n.Width(line)+1+i18n.Width(word) > width) {
				room := width
				if line != "" {
					room = width - i18n.Width(line) - 1
				}
				head, rest := i18n.Cut(word, max(room, 0))
				switch {
				case head == "": // no room left on this line
					lines = append(lines, line)
				case line != "":
					lines = append(lines, line+" "+head)
				default:
					lines = append(lines, head)
				}
				line, word = "", rest
			}
			switch {
			case word == "":
			case line == "":
				line = word
			case i18n.Width(line)+1+i18n.Width(word) <= width:
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

// wide reports whether s holds a character two columns wide.
func wide(s string) bool { return i18n.Width(s) > len([]rune(s)) }

// hardWrap cuts a line of output into pieces of at most width columns,
// keeping its spacing (output is not prose).
func hardWrap(line string, width int) []string {
	width = max(width, 10)
	var parts []string
	for i18n.Width(line) > width {
		head, rest := i18n.Cut(line, width)
		parts = append(parts, head)
		line = rest
	}
	return append(parts, line)
}

// num prints a score without needless decimals.
func num(x float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", x), "0"), ".")
}
