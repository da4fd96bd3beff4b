// Package runner is Python's "subclass threading.Thread and override run()"
// done the Go way: a Runnable interface for the work, and a Thread that runs
// it once, in its own goroutine.
package runner

// Mistake: the new goroutine marks the Thread alive when it gets to run, so IsAlive can be false right after Start returned
// Fails: TestIsAlive:fail

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
	r Runnable

	mu      sync.Mutex // guards the fields below
	started bool
	alive   bool
	done    chan struct{} // closed when r.Run has returned
}

// New returns a new Thread that will run r.Run when started.
func New(r Runnable) *Thread {
	return &Thread{r: r, done: make(chan struct{})}
}

// Start runs r.Run in a new goroutine and returns at once.
func (t *Thread) Start() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.started {
		return ErrAlreadyStarted
	}
	t.started = true
	go func() {
		t.mu.Lock()
		t.alive = true // too late: Start may have returned long ago
		t.mu.Unlock()

		t.r.Run()

		t.mu.Lock()
		t.alive = false
		t.mu.Unlock()
		close(t.done)
	}()
	return nil
}

// doneChan returns the channel closed when Run returns, or nil if the
// Thread was never started.
func (t *Thread) doneChan() chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.started {
		return nil
	}
	return t.done
}

// IsAlive reports whether Run is running.
func (t *Thread) IsAlive() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.alive
}

// Join waits until Run has returned.
func (t *Thread) Join() error {
	done := t.doneChan()
	if done == nil {
		return ErrNotStarted
	}
	<-done
	return nil
}

// JoinTimeout waits at most d for Run to return and reports whether it has.
func (t *Thread) JoinTimeout(d time.Duration) bool {
	done := t.doneChan()
	if done == nil {
		return false
	}
	select {
	case <-done:
		return true
	default:
	}
	if d <= 0 {
		return false
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-done:
		return true
	case <-timer.C:
		return false
	}
}

// JoinContext is Join that gives up with ctx.Err() when ctx is done first.
func (t *Thread) JoinContext(ctx context.Context) error {
	done := t.doneChan()
	if done == nil {
		return ErrNotStarted
	}
	select {
	case <-done:
		return nil
	default:
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
