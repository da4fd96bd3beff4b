// Package runner is Python's "subclass threading.Thread and override run()"
// done the Go way: a Runnable interface for the work, and a Thread that runs
// it once, in its own goroutine.
//
// This version follows CPython's threading.Thread closely: the state lives
// in plain fields under one mutex, the new goroutine marks itself alive, and
// Start waits for that (CPython's self._started.wait()) before it returns,
// so IsAlive is still true from the moment Start returns.
package runner

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Errors returned by Thread. Compare with errors.Is.
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

type state int

const (
	newThread state = iota // Start not called yet
	starting               // Start called, goroutine not running yet
	alive                  // Run is running
	finished               // Run has returned
)

// Thread runs a Runnable once, in a goroutine of its own.
type Thread struct {
	r Runnable

	mu    sync.Mutex // guards state
	state state

	running chan struct{} // closed by the goroutine once it has marked itself alive
	done    chan struct{} // closed once Run has returned
}

// New returns a new Thread that will run r.Run when started.
func New(r Runnable) *Thread {
	return &Thread{r: r, running: make(chan struct{}), done: make(chan struct{})}
}

// Start runs r.Run in a new goroutine, waits until that goroutine is
// running (not until Run returns), and returns.
func (t *Thread) Start() error {
	t.mu.Lock()
	if t.state != newThread {
		t.mu.Unlock()
		return ErrAlreadyStarted
	}
	t.state = starting // taken: every other Start now fails
	t.mu.Unlock()

	go t.bootstrap()
	<-t.running // like CPython's self._started.wait()
	return nil
}

func (t *Thread) bootstrap() {
	t.setState(alive)
	close(t.running)
	defer func() {
		t.setState(finished) // before close(done): IsAlive is false once Join returns
		close(t.done)
	}()
	t.r.Run()
}

func (t *Thread) setState(s state) {
	t.mu.Lock()
	t.state = s
	t.mu.Unlock()
}

func (t *Thread) getState() state {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.state
}

// IsAlive reports whether Run is running.
func (t *Thread) IsAlive() bool {
	return t.getState() == alive
}

// Join waits until Run has returned.
func (t *Thread) Join() error {
	return t.JoinContext(context.Background())
}

// JoinTimeout waits at most d for Run to return and reports whether it has.
func (t *Thread) JoinTimeout(d time.Duration) bool {
	if d <= 0 {
		return t.getState() == finished
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return t.JoinContext(ctx) == nil
}

// JoinContext waits until Run has returned or ctx is done.
func (t *Thread) JoinContext(ctx context.Context) error {
	switch t.getState() {
	case newThread:
		return ErrNotStarted
	case finished:
		return nil
	}
	select {
	case <-t.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
