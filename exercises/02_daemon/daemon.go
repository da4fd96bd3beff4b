// Package daemon is a background worker whose lifetime is explicit: it
// starts with Start, makes a heartbeat at a fixed interval, and ends when
// its context is cancelled or its owner calls Stop, which waits until it has
// really ended. It is Go's answer to Python's daemon threads.
package daemon

import (
	"context"
	"time"
)

// Worker is one background goroutine started by Start. Create one with
// Start; the zero value is not used. Its methods may be called from any
// goroutine, at the same time.
type Worker struct {
	// TODO: add fields
}

// Start starts a worker in a new goroutine and returns at once, without
// calling beat and without waiting for anything.
//
// The worker calls beat(1) one interval after Start, beat(2) two intervals
// after Start, and so on: beat(n) is due at n*interval after Start. The
// rhythm does not drift: a beat that takes some time (less than interval)
// does not push the later beats back. All calls of beat come from the
// worker's one goroutine, one after another, never two at once, and n counts
// them: 1, 2, 3, ... with no gap.
//
// The worker ends as soon as ctx is done or Stop is called, whichever comes
// first. It does not wait for its next tick to notice: while it waits
// between beats, it ends at once and calls beat no more. A beat that is
// running is not interrupted; the worker ends when that beat returns. When
// the worker ends it stops its ticker (or whatever timer it uses), so that
// nothing keeps firing, and then Done is closed. If ctx is already done when
// Start is called, beat is never called.
//
// interval must be positive (Start may panic otherwise, as time.NewTicker
// does) and beat must not be nil.
func Start(ctx context.Context, interval time.Duration, beat func(n int)) *Worker {
	// TODO
	return &Worker{}
}

// Stop ends the worker and waits until it has ended: when Stop returns, the
// worker's goroutine has finished (any beat in progress has returned), its
// ticker is stopped, Done is closed, and beat will never be called again.
// Stop does not wait for the next tick: a worker waiting between beats ends
// at once.
//
// Stop may be called any number of times, from any number of goroutines at
// the same time, and after ctx was cancelled or the worker ended by itself.
// It never panics and never blocks for good: every call returns once the
// worker has ended (at once if it has already ended).
//
// Stop must not be called from inside beat: the worker would wait for itself.
func (w *Worker) Stop() {
	// TODO
}

// Done returns a channel that is closed when the worker has ended, whether
// because of Stop or because ctx was done. It stays open while the worker
// runs. Every call returns the same channel.
//
// <-w.Done() is Python's t.join(); a non-blocking receive on it is
// Python's not t.is_alive().
func (w *Worker) Done() <-chan struct{} {
	// TODO
	return nil
}
