// Package goroutines is the first exercise of the kit: start several tasks at
// once, give each one its own argument, wait until every one of them has
// finished, and collect what they return.
package goroutines

// Mistake: RunAll and Map look at an atomic count of unfinished tasks without the lock, then lock and sleep on a sync.Cond: the last task's Broadcast can fall in between, and the call sleeps for ever
// Fails: TestManyQuickCallsOnRealScheduler:timeout TestCallsAreIndependent?

import (
	"sync"
	"sync/atomic"
)

// BUG: checks the counter outside the lock, then waits on the cond: the
// last Broadcast can come between the check and Wait, and RunAll sleeps
// forever (lost wake-up).
type latch struct {
	mu   sync.Mutex
	cond *sync.Cond
	left atomic.Int64
}

func newLatch(n int) *latch {
	l := &latch{}
	l.cond = sync.NewCond(&l.mu)
	l.left.Store(int64(n))
	return l
}

func (l *latch) done() {
	if l.left.Add(-1) == 0 {
		l.mu.Lock()
		l.cond.Broadcast()
		l.mu.Unlock()
	}
}

func (l *latch) wait() {
	for l.left.Load() > 0 {
		l.mu.Lock()
		l.cond.Wait()
		l.mu.Unlock()
	}
}

func RunAll(tasks ...func()) {
	l := newLatch(len(tasks))
	for _, task := range tasks {
		go func() {
			defer l.done()
			task()
		}()
	}
	l.wait()
}

func Map[T, R any](inputs []T, f func(T) R) []R {
	results := make([]R, len(inputs))
	l := newLatch(len(inputs))
	for i, in := range inputs {
		go func() {
			defer l.done()
			results[i] = f(in)
		}()
	}
	l.wait()
	return results
}
