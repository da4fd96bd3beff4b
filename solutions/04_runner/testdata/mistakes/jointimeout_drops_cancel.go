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

// Mistake: JoinTimeout waits through a context.WithTimeout whose cancel it drops: when Run returns first, the context's timer stays set and goes off d later
// Fails: TestJoinTimeout:fail

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

// Errors returned by Thread. Compare with errors.Is.
var (
	// ErrAlreadyStarted: Start was called before on this Thread.
	ErrAlreadyStarted = errors.New("runner: thread already started")
	// ErrNotStarted: Join or JoinContext on a Thread that was never started.
	ErrNotStarted = errors.New("runner: thread not started")
)

// Runnable is the work a Thread runs: Python's run() method.
type Runnable interface {
	Run()
}

// Func turns a plain function into a Runnable (the same trick as
// http.HandlerFunc): runner.New(runner.Func(f)).
type Func func()

// Run calls f.
func (f Func) Run() { f() }

// Thread runs a Runnable once, in a goroutine of its own. Create one with New.
//
// The whole state is two facts: "Start has been called" and "Run has
// returned". Each gets the tool that fits it:
//
//   - started is an atomic.Bool. Start flips it from false to true with
//     CompareAndSwap, which is one indivisible step: of any number of
//     goroutines calling Start at once, exactly one sees the swap succeed.
//     A plain "if !t.started { t.started = true }" is two steps, and two
//     goroutines can both pass the if before either sets the flag.
//   - done is a channel that the Thread's goroutine closes when Run returns.
//     A closed channel is a fact anyone can wait for (Join blocks on it,
//     JoinTimeout and JoinContext select on it next to a timer or ctx.Done)
//     and anyone can check without waiting (select with default). Closing it
//     also makes everything Run wrote visible to whoever sees it closed.
//
// IsAlive needs no field of its own: alive means started and not done. A
// separate "alive" flag would have to be kept in step with the other two,
// and that is where the bugs are: set it inside the goroutine and IsAlive
// is false right after Start returns; clear it after closing done and
// IsAlive is still true after Join returns.
type Thread struct {
	r       Runnable
	started atomic.Bool
	done    chan struct{} // closed when r.Run has returned
}

// New returns a new Thread that will run r.Run when started. r must not be
// nil.
//
// Why pass r at all, when the user type already embeds the Thread? Go has
// no virtual methods. Embedding copies the Thread's methods up into the
// outer type (d.Start() works), but nothing goes the other way: inside
// Start, t is a *Thread and nothing more. It has no pointer to the
// Downloader around it, so "t.Run()" could only mean a Run method of
// Thread itself. The outer type has to introduce itself, and New is where
// it does.
func New(r Runnable) *Thread {
	return &Thread{r: r, done: make(chan struct{})}
}

// Start runs r.Run in a new goroutine and returns at once. Every call after
// the first returns ErrAlreadyStarted and runs nothing.
func (t *Thread) Start() error {
	if !t.started.CompareAndSwap(false, true) {
		return ErrAlreadyStarted
	}
	// started is already true here, before the go statement, so IsAlive is
	// true from the moment we return, even if the goroutine below has not
	// been scheduled yet.
	go func() {
		// defer: done is closed however Run ends. (A panic in Run still
		// crashes the whole program: Go has no per-goroutine "print the
		// traceback and carry on" like Python's threads.)
		defer close(t.done)
		t.r.Run() // not "go t.r.Run()": we are already in the new goroutine
	}()
	return nil
}

// finished reports, without waiting, whether Run has returned.
func (t *Thread) finished() bool {
	select {
	case <-t.done:
		return true
	default:
		return false
	}
}

// IsAlive reports whether Run is running: started, and not yet returned.
func (t *Thread) IsAlive() bool {
	return t.started.Load() && !t.finished()
}

// Join waits until Run has returned. It returns ErrNotStarted at once on a
// Thread that was never started.
func (t *Thread) Join() error {
	if !t.started.Load() {
		return ErrNotStarted
	}
	<-t.done // woken by close(t.done): no polling
	return nil
}

// JoinTimeout waits at most d for Run to return and reports whether it has.
func (t *Thread) JoinTimeout(d time.Duration) bool {
	if !t.started.Load() {
		return false
	}
	if t.finished() {
		return true
	}
	if d <= 0 {
		return false
	}
	// BUG: the cancel func is dropped: when Run returns before d, the
	// context's timer (and the context) stay alive until d has passed.
	ctx, _ := context.WithTimeout(context.Background(), d)
	return t.JoinContext(ctx) == nil
}

// JoinContext is Join that gives up with ctx.Err() when ctx is done first.
func (t *Thread) JoinContext(ctx context.Context) error {
	if !t.started.Load() {
		return ErrNotStarted
	}
	// Check done first: select picks at random among ready cases, and a
	// finished Run must win over a context that is also done.
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
