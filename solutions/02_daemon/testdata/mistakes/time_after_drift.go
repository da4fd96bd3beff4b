// Package daemon is a background worker whose lifetime is explicit: it
// starts with Start, makes a heartbeat at a fixed interval, and ends when
// its context is cancelled or its owner calls Stop, which waits until it has
// really ended. It is Go's answer to Python's daemon threads.
package daemon

// Mistake: the worker waits with time.After(interval) in each round of its select: it stops at once, but every beat's own duration is added to the rhythm, which drifts
// Fails: TestHeartbeatDoesNotDrift:fail

import (
	"context"
	"time"
)

// Worker is one background goroutine started by Start.
type Worker struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// Start starts a worker that calls beat(n) about every interval.
func Start(ctx context.Context, interval time.Duration, beat func(n int)) *Worker {
	ctx, cancel := context.WithCancel(ctx)
	w := &Worker{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		defer cancel()
		for n := 1; ; n++ {
			select {
			case <-ctx.Done():
				return
			case <-time.After(interval): // WRONG: a new interval starts only after the last beat returned
			}
			beat(n)
		}
	}()
	return w
}

// Stop ends the worker and waits until it has ended.
func (w *Worker) Stop() {
	w.cancel()
	<-w.done
}

// Done returns a channel that is closed when the worker has ended.
func (w *Worker) Done() <-chan struct{} {
	return w.done
}
