// Package daemon is a background worker whose lifetime is explicit: it
// starts with Start, makes a heartbeat at a fixed interval, and ends when
// its context is cancelled or its owner calls Stop, which waits until it has
// really ended. It is Go's answer to Python's daemon threads.
package daemon

// Mistake: the stop channel and the done channel are package-level variables shared by every worker, so stopping one worker, or cancelling its context, ends them all
// Fails: TestWorkersAreIndependent:fail TestContextCancelStopsWorker? TestStopRacesWithEnd? TestStopFromManyGoroutines? TestStopIsIdempotent?

import (
	"context"
	"sync"
	"time"
)

var (
	once sync.Once
	stop = make(chan struct{}) // WRONG: one for the whole program
	done = make(chan struct{})
)

// Worker is one background goroutine started by Start.
type Worker struct{}

// Start starts a worker that calls beat(n) at n*interval after Start.
func Start(ctx context.Context, interval time.Duration, beat func(n int)) *Worker {
	once = sync.Once{}
	stop = make(chan struct{})
	done = make(chan struct{})
	ticker := time.NewTicker(interval)
	myStop, myDone := stop, done
	go func() {
		defer func() {
			once.Do(func() { close(myDone) })
		}()
		defer ticker.Stop()
		for n := 1; ; n++ {
			select {
			case <-ctx.Done():
				return
			case <-myStop:
				return
			case <-ticker.C:
			}
			select {
			case <-ctx.Done():
				return
			case <-myStop:
				return
			default:
			}
			beat(n)
		}
	}()
	return &Worker{}
}

// Stop ends the worker and waits until it has ended.
func (w *Worker) Stop() {
	s, d := stop, done
	select {
	case <-s:
	default:
		close(s)
	}
	<-d
}

// Done returns a channel that is closed when the worker has ended.
func (w *Worker) Done() <-chan struct{} {
	return done
}
