// Package daemon is a background worker whose lifetime is explicit: it
// starts with Start, makes a heartbeat at a fixed interval, and ends when
// its context is cancelled or its owner calls Stop, which waits until it has
// really ended. It is Go's answer to Python's daemon threads.
package daemon

// Mistake: Python's "while not stopped: sleep(interval); beat()": the worker sleeps a whole interval after each beat, so the rhythm drifts and a stop request waits for the end of the sleep
// Fails: TestHeartbeatDoesNotDrift:fail TestStopIsPrompt:fail TestContextCancelStopsWorker:fail TestWorkersAreIndependent:fail TestNothingRunsAfterStop?

import (
	"context"
	"sync"
	"time"
)

// Worker is one background goroutine started by Start.
type Worker struct {
	once sync.Once
	stop chan struct{}
	done chan struct{}
}

// Start starts a worker that calls beat(n) about every interval.
func Start(ctx context.Context, interval time.Duration, beat func(n int)) *Worker {
	w := &Worker{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for n := 1; !w.stopping(ctx); n++ {
			time.Sleep(interval) // WRONG: cannot be interrupted, and counts from the end of the last beat
			beat(n)
		}
	}()
	return w
}

// stopping reports whether the worker has been asked to end.
func (w *Worker) stopping(ctx context.Context) bool {
	select {
	case <-ctx.Done():
		return true
	case <-w.stop:
		return true
	default:
		return false
	}
}

// Stop ends the worker and waits until it has ended.
func (w *Worker) Stop() {
	w.once.Do(func() { close(w.stop) })
	<-w.done
}

// Done returns a channel that is closed when the worker has ended.
func (w *Worker) Done() <-chan struct{} {
	return w.done
}
