package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/concurrency-kit/kit/grader/catalog"
	"github.com/concurrency-kit/kit/grader/internal/grade"
	"github.com/concurrency-kit/kit/grader/internal/i18n"
	"github.com/concurrency-kit/kit/grader/internal/report"
	"github.com/concurrency-kit/kit/grader/internal/watch"
)

// runWatch grades the current exercise on every save (grader watch).
func runWatch(ctx context.Context, a *App, o *options, args []string) error {
	kit, opts, box, err := gradingSetup(a, o, true)
	if err != nil {
		return err
	}
	defer box.Close()
	start, err := startingExercise(kit, opts, args)
	if err != nil {
		return err
	}
	out, keys, restore := a.keyboard()
	defer restore()
	session := &watch.Session{
		Out: out, Root: kit.Root, Exercises: kit.Catalog.Exercises, Current: start, Keys: keys,
		Text: report.TextOptions{Color: a.useColor(o.color), Width: a.Width, Printer: a.tr},
		Grade: func(ctx context.Context, ex catalog.Exercise) (*report.Document, error) {
			one := opts
			one.Exercises = []catalog.Exercise{ex}
			return grade.Grade(ctx, one)
		},
		Hint: func(w io.Writer, ex catalog.Exercise) { writeHint(w, ex, a.Width, a.tr) },
		List: func(w io.Writer) {
			all := opts
			all.Exercises = kit.Catalog.Exercises
			if results, err := grade.Cached(all); err == nil {
				(&App{Stdout: w, tr: a.tr}).writeProgress(all.Exercises, results)
			}
		},
	}
	return session.Run(ctx)
}

// startingExercise is the named exercise, or the first one not done as far
// as the cache knows.
func startingExercise(kit *Kit, opts grade.Options, args []string) (int, error) {
	if len(args) == 1 {
		ex, err := kit.Select(args)
		if err != nil {
			return 0, err
		}
		for i, e := range kit.Catalog.Exercises {
			if e.Name == ex[0].Name {
				return i, nil
			}
		}
	}
	opts.Exercises = kit.Catalog.Exercises
	results, err := grade.Cached(opts)
	if err != nil {
		return 0, err
	}
	for i, r := range results {
		if r == nil || !r.Done() {
			return i, nil
		}
	}
	return 0, nil
}

// keyboard puts the terminal on stdin in raw mode, so that a key press
// arrives without Enter, and returns the output to write to (with \r\n line
// ends, which raw mode needs), the keys, and a function that restores the
// terminal. Without a terminal there are no keys.
func (a *App) keyboard() (io.Writer, <-chan byte, func()) {
	stdin, ok := a.Stdin.(*os.File)
	if !ok || !term.IsTerminal(int(stdin.Fd())) {
		return a.Stdout, nil, func() {}
	}
	state, err := term.MakeRaw(int(stdin.Fd()))
	if err != nil {
		return a.Stdout, nil, func() {}
	}
	keys := make(chan byte)
	go func() {
		defer close(keys)
		buf := make([]byte, 1)
		for {
			if n, err := stdin.Read(buf); err != nil || n == 0 {
				return
			}
			keys <- buf[0]
		}
	}()
	return crlf{a.Stdout}, keys, func() { term.Restore(int(stdin.Fd()), state) }
}

// crlf ends every line with \r\n, as a terminal in raw mode needs.
type crlf struct{ w io.Writer }

func (c crlf) Write(p []byte) (int, error) {
	if _, err := io.WriteString(c.w, strings.ReplaceAll(string(p), "\n", "\r\n")); err != nil {
		return 0, err
	}
	return len(p), nil
}

// writeHint writes an exercise's hint, word-wrapped to width, in the
// printer's language.
func writeHint(w io.Writer, ex catalog.Exercise, width int, tr i18n.Printer) {
	fmt.Fprintf(w, "%s (%s)\n\n", ex.Name, ex.Path())
	if width <= 0 {
		width = 80
	}
	hint, readme := ex.Hint, "README.md"
	if tr.Lang == i18n.Chinese && ex.HintZH != "" {
		hint, readme = ex.HintZH, "README.zh-CN.md"
	}
	for _, line := range report.Wrap(hint, max(width, 40)) {
		fmt.Fprintln(w, line)
	}
	fmt.Fprint(w, "\n"+tr.Trf("The exercise's README: %s\n", ex.Path()+"/"+readme))
}
