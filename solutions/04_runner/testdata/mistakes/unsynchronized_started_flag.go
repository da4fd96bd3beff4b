// Package runner is Python's "subclass threading.Thread and override run()"
// done the Go way: a Runnable interface for the work, and a Thread that runs
// it once, in its own goroutine.
package runner

// Mistake: Start checks and sets a plain bool with no lock: simultaneous Starts race on it, and two of them can both start the Thread
// Fails: TestConcurrentStart:race TestAccessorsWhileThreadStartsAndEnds?

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Errors returned by Thread.
var (
	ErrAlreadyStarted = errors.New("runner: thread already started")
	ErrNotStarted     = errors.New("runner: thread not started")
)

// Runnable is the work a Thread runs.
type Runnable interface {
	Run()
}

// Func turns a plain function into a Runnable.
type Func func()

// Run calls f.
func (f Func) Run() { f() }

// Thread runs a Runnable once, in a goroutine of its own.
type Thread struct {
	r         Runnable
	started   bool // read and written by Start with no synchronisation
	closeDone sync.Once
	done      chan struct{} // closed when r.Run has returned
}

// New returns a new Thread that will run r.Run when started.
func New(r Runnable) *Thread {
	return &Thread{r: r, done: make(chan struct{})}
}

// Start runs r.Run in a new goroutine and returns at once.
func (t *Thread) Start() error {
	if t.started { // check...
		return ErrAlreadyStarted
	}
	t.started = true // ...then act: another Start can slip in between
	go func() {
		defer t.closeDone.Do(func() { close(t.done) })
		t.r.Run()
	}()
	return nil
}

func (t *Thread) finished() bool {
	select {
	case <-t.done:
		return true
	default:
		return false
	}
}

// IsAlive reports whether Run is running.
func (t *Thread) IsAlive() bool {
	return t.started && !t.finished()
}

// Join waits until Run has returned.
func (t *Thread) Join() error {
	if !t.started {
		return ErrNotStarted
	}
	<-t.done
	return nil
}

// JoinTimeout waits at most d for Run to return and reports whether it has.
func (t *Thread) JoinTimeout(d time.Duration) bool {
	if !t.started {
		return false
	}
	if t.finished() {
		return true
	}
	if d <= 0 {
		return false
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-t.done:
		return true
	case <-timer.C:
		return false
	}
}

// JoinContext is Join that gives up with ctx.Err() when ctx is done first.
func (t *Thread) JoinContext(ctx context.Context) error {
	if !t.started {
		return ErrNotStarted
	}
	if t.finished() {
		return nil
	}
	select {
	case <-t.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
