// Package runner is Python's "subclass threading.Thread and override run()"
// done the Go way: a Runnable interface for the work, and a Thread that runs
// it once, in its own goroutine.
package runner

// Mistake: JoinTimeout ignores d and waits like Join until Run returns, so it never gives up
// Fails: TestJoinTimeout:fail TestAccessorsWhileThreadStartsAndEnds?

import (
	"context"
	"errors"
	"sync/atomic"
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
	r       Runnable
	started atomic.Bool
	done    chan struct{} // closed when r.Run has returned
}

// New returns a new Thread that will run r.Run when started.
func New(r Runnable) *Thread {
	return &Thread{r: r, done: make(chan struct{})}
}

// Start runs r.Run in a new goroutine and returns at once.
func (t *Thread) Start() error {
	if !t.started.CompareAndSwap(false, true) {
		return ErrAlreadyStarted
	}
	go func() {
		defer close(t.done)
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
	return t.started.Load() && !t.finished()
}

// Join waits until Run has returned.
func (t *Thread) Join() error {
	if !t.started.Load() {
		return ErrNotStarted
	}
	<-t.done
	return nil
}

// JoinTimeout waits for Run to return and reports whether it has.
func (t *Thread) JoinTimeout(d time.Duration) bool {
	if !t.started.Load() {
		return false
	}
	<-t.done // d is never looked at
	return true
}

// JoinContext is Join that gives up with ctx.Err() when ctx is done first.
func (t *Thread) JoinContext(ctx context.Context) error {
	if !t.started.Load() {
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
