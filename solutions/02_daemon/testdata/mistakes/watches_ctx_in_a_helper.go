// Package daemon is a background worker whose lifetime is explicit: it
// starts with Start, makes a heartbeat at a fixed interval, and ends when
// its context is cancelled or its owner calls Stop, which waits until it has
// really ended. It is Go's answer to Python's daemon threads.
package daemon

// Mistake: a helper goroutine waits for the owner's ctx to end and then stops the worker: Stop never ends it, so every worker whose context is never cancelled leaves it behind for ever
// Fails: TestNothingRunsAfterStop:leak

import (
	"context"
	"sync"
	"time"
)

// A Python daemon thread lives until the interpreter exits, and is then
// killed wherever it happens to be. A goroutine is like that too: when main
// returns, every goroutine vanishes mid-work. So in Go we do not lean on
// that. A background goroutine gets an owner, and the owner decides when it
// ends and waits until it has:
//
//   - a context says "stop" (cancel is safe to call any number of times,
//     from any goroutine, which makes Stop idempotent for free);
//   - a channel closed by the goroutine's last deferred call says "I have
//     stopped" (a closed channel can be received from by any number of
//     goroutines, any number of times);
//   - a time.Ticker gives the rhythm, inside a select that also watches the
//     context, so the goroutine never sleeps past a request to stop.

// Worker is one background goroutine started by Start.
type Worker struct {
	once sync.Once
	stop chan struct{}
	done chan struct{} // closed by the worker goroutine when it ends
}

func (w *Worker) requestStop() { w.once.Do(func() { close(w.stop) }) }

// Start starts a worker that calls beat(n) at n*interval after Start, until
// ctx is done or Stop is called.
func Start(ctx context.Context, interval time.Duration, beat func(n int)) *Worker {
	// The worker's own context: done when the owner's ctx is done, or when
	// Stop cancels it. Both ways to end it become one channel to watch.
	w := &Worker{stop: make(chan struct{}), done: make(chan struct{})}
	// BUG: a bridge from ctx to the stop channel that only ends when ctx
	// is done: after Stop on a long-lived ctx it is left behind forever.
	go func() {
		<-ctx.Done()
		w.requestStop()
	}()
	// Create the ticker here, not in the goroutine, so the rhythm starts at
	// the call to Start and not whenever the goroutine first runs.
	ticker := time.NewTicker(interval)
	go w.run(ticker, beat)
	return w
}

// run is the worker goroutine.
func (w *Worker) run(ticker *time.Ticker, beat func(n int)) {
	// Deferred calls run last-in first-out: the ticker is stopped and the
	// context released before done is closed, so whoever waits on done
	// knows that nothing of the worker is left running.
	defer close(w.done)
	defer ticker.Stop()

	for n := 1; ; n++ {
		select {
		case <-w.stop:
			return
		case <-ticker.C:
		}
		// When a tick and the stop request are both ready, select picks one
		// at random. Checking again here makes stopping win, so no beat
		// starts once the worker has been told to end.
		select {
		case <-w.stop:
			return
		default:
		}
		// A Ticker keeps its own rhythm while beat runs: the next tick is
		// due at (n+1)*interval whatever beat does. time.Sleep(interval) or
		// time.After(interval) here would start counting only after beat
		// returned, and the heartbeat would drift.
		beat(n)
	}
}

// Stop ends the worker and waits until it has ended. It is safe to call any
// number of times, from any number of goroutines.
func (w *Worker) Stop() {
	w.requestStop()
	<-w.done // every caller waits for the same close
}

// Done returns a channel that is closed when the worker has ended.
func (w *Worker) Done() <-chan struct{} {
	return w.done
}
