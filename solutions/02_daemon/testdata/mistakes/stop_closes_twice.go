// Package daemon is a background worker whose lifetime is explicit: it
// starts with Start, makes a heartbeat at a fixed interval, and ends when
// its context is cancelled or its owner calls Stop, which waits until it has
// really ended. It is Go's answer to Python's daemon threads.
package daemon

// Mistake: Stop closes the stop channel without a guard: a second Stop panics with "close of closed channel"
// Fails: TestStopIsIdempotent:fail TestStopFromManyGoroutines:fail TestContextCancelStopsWorker:fail TestStopRacesWithEnd:panic TestStopWaitsForWorker?

import (
	"context"
	"time"
)

// Worker is one background goroutine started by Start.
type Worker struct {
	stop chan struct{}
	done chan struct{}
}

// Start starts a worker that calls beat(n) at n*interval after Start.
func Start(ctx context.Context, interval time.Duration, beat func(n int)) *Worker {
	w := &Worker{stop: make(chan struct{}), done: make(chan struct{})}
	ticker := time.NewTicker(interval)
	go func() {
		defer close(w.done)
		defer ticker.Stop()
		for n := 1; ; n++ {
			select {
			case <-ctx.Done():
				return
			case <-w.stop:
				return
			case <-ticker.C:
			}
			beat(n)
		}
	}()
	return w
}

// Stop ends the worker and waits until it has ended.
func (w *Worker) Stop() {
	close(w.stop) // WRONG: the second call closes a closed channel and panics
	<-w.done
}

// Done returns a channel that is closed when the worker has ended.
func (w *Worker) Done() <-chan struct{} {
	return w.done
}
