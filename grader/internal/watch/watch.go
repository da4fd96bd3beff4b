// Package watch is grader watch: it grades the exercise a student is
// working on again on every save, as rustlings watch does, and moves on to
// the next exercise once it is done. Keys: h shows the hint, l the list, q
// quits.
package watch

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/concurrency-kit/kit/grader/catalog"
	"github.com/concurrency-kit/kit/grader/internal/report"
)

// Debounce is how long the session waits after a change before grading:
// an editor's save is often several writes and a rename.
const Debounce = 100 * time.Millisecond

// clearScreen moves the cursor home and clears the terminal.
const clearScreen = "\x1b[H\x1b[2J"

// Session is one watch.
type Session struct {
	Out       io.Writer
	Text      report.TextOptions
	Root      string // the kit's root folder
	Exercises []catalog.Exercise
	// Current is the index of the exercise to start with.
	Current int
	// Grade grades one exercise.
	Grade func(ctx context.Context, ex catalog.Exercise) (*report.Document, error)
	// Hint and List write the hint of an exercise and the progress list.
	Hint func(w io.Writer, ex catalog.Exercise)
	List func(w io.Writer)
	// Keys are the keys the student presses (nil: none).
	Keys <-chan byte

	banner string // said at the top of the next screen
}

// Run watches until q is pressed, ctx is done or the keys end.
func (s *Session) Run(ctx context.Context) error {
	watcher, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch the exercise folder: %w", err)
	}
	defer watcher.Close()
	watched := ""
	var settle <-chan time.Time
	for {
		ex := s.Exercises[s.Current]
		dir := filepath.Join(s.Root, filepath.FromSlash(ex.Path()))
		if dir != watched {
			if watched != "" {
				watcher.Remove(watched)
			}
			if err := watcher.Add(dir); err != nil {
				return fmt.Errorf("watch %s: %w", ex.Path(), err)
			}
			watched = dir
		}
		done, err := s.show(ctx, ex)
		if err != nil {
			return err
		}
		if done && s.Current+1 < len(s.Exercises) {
			s.Current++
			continue
		}
		for waiting := true; waiting; {
			select {
			case <-ctx.Done():
				return nil
			case ev, ok := <-watcher.Events:
				if !ok {
					return nil
				}
				if slices.Contains(ex.Files, filepath.Base(ev.Name)) {
					settle = time.After(Debounce)
				}
			case err := <-watcher.Errors:
				return fmt.Errorf("watch %s: %w", ex.Path(), err)
			case <-settle:
				settle, waiting = nil, false
			case key, ok := <-s.Keys:
				if !ok || key == 'q' || key == 3 { // 3: Ctrl-C in raw mode
					return nil
				}
				s.key(key, ex)
			}
		}
	}
}

// show grades ex and shows the result, and reports whether ex is done.
func (s *Session) show(ctx context.Context, ex catalog.Exercise) (bool, error) {
	tr := s.Text.Printer
	fmt.Fprint(s.Out, clearScreen+tr.Trf("grader watch: grading %s...\n", ex.Path()))
	doc, err := s.Grade(ctx, ex)
	if err != nil {
		return false, err
	}
	fmt.Fprint(s.Out, clearScreen+s.banner)
	s.banner = ""
	text := s.Text
	text.All = true
	if err := report.WriteText(s.Out, doc, text); err != nil {
		return false, err
	}
	done := len(doc.Exercises) == 1 && doc.Exercises[0].Done()
	switch {
	case done && s.Current+1 < len(s.Exercises):
		s.banner = tr.Trf("✓ %s is done. On to the next exercise.\n\n", ex.Path())
	case done:
		fmt.Fprintln(s.Out, "\n"+tr.Tr("Every exercise is done. Well done!"))
	default:
		fmt.Fprint(s.Out, "\n"+tr.Trf("Edit %s and save: it is graded again.\n", filepath.Join(ex.Path(), ex.Files[0])))
	}
	fmt.Fprintln(s.Out, tr.Tr("h hint · l list · q quit"))
	return done, nil
}

// key does what a key asks.
func (s *Session) key(key byte, ex catalog.Exercise) {
	switch key {
	case 'h':
		fmt.Fprintln(s.Out)
		s.Hint(s.Out, ex)
	case 'l':
		fmt.Fprintln(s.Out)
		s.List(s.Out)
	}
}
