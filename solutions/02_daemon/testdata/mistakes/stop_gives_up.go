// Package daemon is a background worker whose lifetime is explicit: it
// starts with Start, makes a heartbeat at a fixed interval, and ends when
// its context is cancelled or its owner calls Stop, which waits until it has
// really ended. It is Go's answer to Python's daemon threads.
package daemon

// Mistake: Stop waits for the worker, but gives up after five seconds "so that it can never hang": a beat that runs longer is still running when Stop returns
// Fails: TestStopWaitsForWorker:fail TestStopFromManyGoroutines:fail

import (
	"context"
	"time"
)

// Worker is one background goroutine started by Start.
type Worker struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// Start starts a worker that calls beat(n) at n*interval after Start.
func Start(ctx context.Context, interval time.Duration, beat func(n int)) *Worker {
	ctx, cancel := context.WithCancel(ctx)
	w := &Worker{cancel: cancel, done: make(chan struct{})}
	ticker := time.NewTicker(interval)
	go func() {
		defer close(w.done)
		defer cancel()
		defer ticker.Stop()
		for n := 1; ; n++ {
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
			}
			if ctx.Err() != nil {
				return
			}
			beat(n)
		}
	}()
	return w
}

// Done returns a channel that is closed when the worker has ended.
func (w *Worker) Done() <-chan struct{} {
	return w.done
}

// Stop asks the worker to end and waits for it, at most five seconds.
func (w *Worker) Stop() {
	w.cancel()
	select {
	case <-w.done:
	case <-time.After(5 * time.Second): // WRONG: Stop must wait until the worker has ended
	}
}
