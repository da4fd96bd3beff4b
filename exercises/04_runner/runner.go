// Package runner is Python's "subclass threading.Thread and override run()"
// done the Go way: a Runnable interface for the work, and a Thread that runs
// it once, in its own goroutine, and can be asked whether it is still running
// and waited for, with or without a timeout.
//
// A user type embeds *Thread to get Start, IsAlive and the Join methods, and
// hands itself to New so that the Thread knows which Run to call:
//
//	type Downloader struct {
//		*runner.Thread
//		URL string
//	}
//
//	func NewDownloader(url string) *Downloader {
//		d := &Downloader{URL: url}
//		d.Thread = runner.New(d) // the Thread runs d.Run
//		return d
//	}
//
//	func (d *Downloader) Run() { /* the work */ }
package runner

import (
	"context"
	"errors"
	"time"
)

// Errors returned by Thread. Callers compare them with errors.Is, so return
// these exact values (or wrap them).
var (
	// ErrAlreadyStarted is returned by every Start after the first one: a
	// Thread runs its Run once in its whole life (Python raises
	// RuntimeError("threads can only be started once")).
	ErrAlreadyStarted = errors.New("runner: thread already started")
	// ErrNotStarted is returned by Join and JoinContext on a Thread whose
	// Start has not been called (Python raises RuntimeError("cannot join
	// thread before it is started")).
	ErrNotStarted = errors.New("runner: thread not started")

	// ErrNotImplemented is what the unfinished stub returns. Your solution
	// must not return it.
	ErrNotImplemented = errors.New("runner: not implemented")
)

// Runnable is the work a Thread runs: Python's run() method.
type Runnable interface {
	Run()
}

// Func turns a plain function into a Runnable, like Python's
// threading.Thread(target=f): runner.New(runner.Func(f)).
type Func func()

// Run calls f.
func (f Func) Run() {
	// TODO: call f
}

// Thread runs a Runnable once, in a goroutine of its own. Create one with
// New; the zero value is not usable. All methods may be called from any
// goroutine, at the same time.
//
// Its life has three phases: new (Start not called yet), alive (Start has
// returned nil and Run has not returned yet) and finished (Run has returned).
// A Thread never goes back to an earlier phase.
type Thread struct {
	// TODO: add fields
}

// New returns a new Thread that will run r.Run when started. r must not be
// nil. New starts nothing: no goroutine runs until Start is called.
//
// Go has no virtual methods: code in Thread's methods cannot see the type
// that embeds the Thread, so it cannot find that type's Run by itself. The
// embedding type passes itself here instead (d.Thread = runner.New(d)).
func New(r Runnable) *Thread {
	// TODO
	return &Thread{}
}

// Start runs r.Run in a new goroutine and returns nil at once: it never
// waits for Run to return, so a Run that takes an hour (or never returns)
// does not hold up the caller. The Thread is alive from the moment Start
// returns nil: IsAlive reports true right after, even if the new goroutine
// has not been scheduled yet.
//
// Only the first call starts anything. Every later call returns
// ErrAlreadyStarted and runs nothing, whether Run is still running or has
// already returned. When several goroutines call Start at the same time,
// exactly one of them starts the Thread and gets nil; all the others get
// ErrAlreadyStarted.
//
// Calling r.Run() yourself is an ordinary method call: it runs in the
// caller's goroutine and does not start the Thread.
func (t *Thread) Start() error {
	// TODO
	return ErrNotImplemented
}

// IsAlive reports whether Run is running: false before Start, true from the
// moment Start returns nil until Run returns, and false from the moment Run
// has returned (whether or not anybody has called Join).
func (t *Thread) IsAlive() bool {
	// TODO
	return false
}

// Join waits until Run has returned, then returns nil. It returns as soon as
// Run returns (it is woken by it; it does not poll), and at once if Run has
// already returned. Any number of goroutines may Join the same Thread; all
// of them return when Run does. After Join returns, everything Run wrote is
// visible to the caller.
//
// Join on a Thread that has not been started returns ErrNotStarted at once;
// it does not wait for a later Start.
func (t *Thread) Join() error {
	// TODO
	return ErrNotImplemented
}

// JoinTimeout waits at most d for Run to return, and reports whether it
// has: true as soon as Run returns (without waiting out d), true at once if
// Run had already returned, false after exactly d if Run is still running.
// d <= 0 means do not wait at all: report whether Run has already returned.
// A Thread that has not been started gives false at once.
//
// Giving up does nothing to the Thread: Run goes on running, and a later
// Join still waits for it.
func (t *Thread) JoinTimeout(d time.Duration) bool {
	// TODO
	return false
}

// JoinContext is Join that gives up when ctx is done: it returns nil as
// soon as Run returns, or ctx.Err() if ctx is done first. If Run has
// already returned, JoinContext returns nil even when ctx is already done.
// A Thread that has not been started gives ErrNotStarted at once.
func (t *Thread) JoinContext(ctx context.Context) error {
	// TODO
	return ErrNotImplemented
}
