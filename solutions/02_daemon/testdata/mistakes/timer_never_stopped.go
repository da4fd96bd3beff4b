// Package daemon is a background worker whose lifetime is explicit: it
// starts with Start, makes a heartbeat at a fixed interval, and ends when
// its context is cancelled or its owner calls Stop, which waits until it has
// really ended. It is Go's answer to Python's daemon threads.
package daemon

// Mistake: the heartbeat is a time.AfterFunc that re-arms itself (Python's threading.Timer) and is never stopped: the worker goroutine ends, but the timer goes on calling beat
// Fails: TestStopWaitsForWorker:fail TestNothingRunsAfterStop:fail TestStopFromManyGoroutines:fail TestContextCancelStopsWorker:fail TestWorkersAreIndependent:fail TestStopRacesWithEnd:fail

import (
	"context"
	"sync"
	"time"
)

// Worker is one background goroutine started by Start.
type Worker struct {
	interval time.Duration
	beat     func(n int)

	mu    sync.Mutex
	n     int
	timer *time.Timer

	once sync.Once
	stop chan struct{}
	done chan struct{}
}

// Start starts a worker that calls beat(n) at n*interval after Start.
func Start(ctx context.Context, interval time.Duration, beat func(n int)) *Worker {
	w := &Worker{interval: interval, beat: beat, stop: make(chan struct{}), done: make(chan struct{})}
	w.mu.Lock()
	w.timer = time.AfterFunc(interval, w.tick)
	w.mu.Unlock()
	go func() {
		defer close(w.done)
		select {
		case <-ctx.Done():
		case <-w.stop:
		}
		// WRONG: w.timer is never stopped, so tick goes on running.
	}()
	return w
}

// tick makes one beat and arms the timer for the next one.
func (w *Worker) tick() {
	w.mu.Lock()
	w.n++
	n := w.n
	w.timer = time.AfterFunc(w.interval, w.tick)
	w.mu.Unlock()
	w.beat(n)
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
