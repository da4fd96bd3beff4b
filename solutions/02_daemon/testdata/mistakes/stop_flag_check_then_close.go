// Package daemon is a background worker whose lifetime is explicit: it
// starts with Start, makes a heartbeat at a fixed interval, and ends when
// its context is cancelled or its owner calls Stop, which waits until it has
// really ended. It is Go's answer to Python's daemon threads.
package daemon

// Mistake: Stop guards the close of its stop channel with a plain bool it checks and sets without a lock: two Stops at the same moment race on the flag and can both close the channel
// Fails: TestStopFromManyGoroutines TestStopRacesWithEnd

import (
	"context"
	"time"
)

// Worker is one background goroutine started by Start.
type Worker struct {
	stopped bool // WRONG: checked and set by every Stop, no lock
	stop    chan struct{}
	done    chan struct{}
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
			select {
			case <-ctx.Done():
				return
			case <-w.stop:
				return
			default:
			}
			beat(n)
		}
	}()
	return w
}

// Stop ends the worker and waits until it has ended.
func (w *Worker) Stop() {
	if !w.stopped {
		w.stopped = true
		close(w.stop)
	}
	<-w.done
}

// Done returns a channel that is closed when the worker has ended.
func (w *Worker) Done() <-chan struct{} {
	return w.done
}
