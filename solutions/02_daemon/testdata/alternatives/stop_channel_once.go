// Package daemon is a background worker whose lifetime is explicit: it
// starts with Start, makes a heartbeat at a fixed interval, and ends when
// its context is cancelled or its owner calls Stop, which waits until it has
// really ended. It is Go's answer to Python's daemon threads.
package daemon

import (
	"context"
	"sync"
	"time"
)

// This answer keeps the owner's context and its own stop channel apart and
// watches both in the select. sync.Once makes closing the stop channel safe
// to ask for many times; closing done as the goroutine's last act tells
// every waiting Stop that the worker has ended.

// Worker is one background goroutine started by Start.
type Worker struct {
	once sync.Once
	stop chan struct{} // closed (once) by Stop
	done chan struct{} // closed by the worker goroutine when it ends
}

// Start starts a worker that calls beat(n) at n*interval after Start, until
// ctx is done or Stop is called.
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
				// A tick that came due while the last beat ran is ready at
				// the same time as a stop request, and select picks at
				// random: look again, so that stopping wins.
				select {
				case <-ctx.Done():
					return
				case <-w.stop:
					return
				default:
				}
				beat(n)
			}
		}
	}()
	return w
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
