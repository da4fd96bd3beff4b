package cli

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/concurrency-kit/kit/grader/internal/grade"
	"github.com/concurrency-kit/kit/grader/internal/i18n"
)

// spinner are the frames of the progress line's spinner.
var spinner = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// slowBuild is how long a build may take before a plain-line progress says
// what it is doing (a warm build takes about a second).
const slowBuild = time.Second

// progressView shows a grade's progress on stderr: on a terminal, one line
// that keeps changing (a spinner, what is being done, how far, how long);
// elsewhere a few plain lines.
type progressView struct {
	w        io.Writer
	terminal bool
	width    int
	tr       i18n.Printer

	mu      sync.Mutex
	start   time.Time
	last    grade.Progress
	drawn   bool
	stopped chan struct{}
	wg      sync.WaitGroup
}

// newProgress starts a progress view, or returns nil (none) when quiet.
func (a *App) newProgress(quiet bool) *progressView {
	if quiet || a.Stderr == nil {
		return nil
	}
	v := &progressView{w: a.Stderr, terminal: a.StderrTerminal, width: max(a.Width, 40), tr: a.tr, start: time.Now(), stopped: make(chan struct{})}
	if v.terminal {
		v.wg.Go(v.animate)
	}
	return v
}

// update takes a step of the grade.
func (v *progressView) update(p grade.Progress) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.last = p
	if v.terminal {
		return
	}
	switch {
	case p.Stage == "build":
		// Said only when the build is slow: a first build compiles the
		// race-enabled standard library, once.
		time.AfterFunc(slowBuild, func() {
			v.mu.Lock()
			defer v.mu.Unlock()
			if v.last.Stage == "build" {
				fmt.Fprintln(v.w, "grader: "+v.tr.Trf("building the test binaries of %s; the first build also compiles the race-enabled standard library, once (about a minute)", v.count(p.Total)))
			}
		})
	case p.Stage == "run" && p.Done == 0 && time.Since(v.start) > slowBuild:
		fmt.Fprintln(v.w, "grader: "+v.tr.Trf("running the tests of %s", v.count(p.Total)))
	}
}

// line is the terminal's progress line.
func (v *progressView) line(frame int) string {
	elapsed := time.Since(v.start).Truncate(time.Second)
	var what string
	switch v.last.Stage {
	case "build":
		what = v.tr.Trf("building %s (a first build also compiles the race-enabled standard library, once)", v.count(v.last.Total))
	case "run":
		what = v.tr.Trf("running the tests: %d of %s graded", v.last.Done, v.count(v.last.Total))
	default:
		what = v.tr.Tr("reading the exercises")
	}
	text := fmt.Sprintf("%s %s %s", spinner[frame%len(spinner)], what, elapsed)
	if i18n.Width(text) > v.width-1 {
		head, _ := i18n.Cut(text, v.width-2)
		text = head + "…"
	}
	return text
}

// animate redraws the line until the view stops.
func (v *progressView) animate() {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for frame := 0; ; frame++ {
		select {
		case <-v.stopped:
			return
		case <-tick.C:
		}
		v.mu.Lock()
		if time.Since(v.start) > 300*time.Millisecond { // a quick grade shows nothing
			fmt.Fprintf(v.w, "\r\x1b[K%s", v.line(frame))
			v.drawn = true
		}
		v.mu.Unlock()
	}
}

// stop ends the view and clears its line.
func (v *progressView) stop() {
	if v == nil {
		return
	}
	close(v.stopped)
	v.wg.Wait()
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.drawn {
		fmt.Fprint(v.w, "\r\x1b[K")
	}
	v.last.Stage = "done"
}

// report returns the grade's progress callback (nil for no view).
func (v *progressView) report() func(grade.Progress) {
	if v == nil {
		return nil
	}
	return v.update
}

// count is "1 exercise" or "N exercises", in the view's language.
func (v *progressView) count(n int) string {
	if n == 1 {
		return v.tr.Tr("1 exercise")
	}
	return v.tr.Trf("%d exercises", n)
}
