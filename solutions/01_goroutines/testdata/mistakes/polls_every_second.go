// Package goroutines is the first exercise of the kit: start several tasks at
// once, give each one its own argument, wait until every one of them has
// finished, and collect what they return.
package goroutines

// Mistake: RunAll and Map poll an atomic count of unfinished tasks once a second: too slow to run out of the real-time budget, but a second late after the last task
// Fails: TestRunAllWaitsForEveryTask:fail TestMapWaitsForEveryCall:fail TestCallsAreIndependent? TestManyQuickCallsOnRealScheduler?

import (
	"sync/atomic"
	"time"
)

// BUG: polls a counter once a second instead of blocking.
func RunAll(tasks ...func()) {
	var left atomic.Int64
	left.Store(int64(len(tasks)))
	for _, task := range tasks {
		go func() {
			defer left.Add(-1)
			task()
		}()
	}
	for left.Load() > 0 {
		time.Sleep(time.Second)
	}
}

func Map[T, R any](inputs []T, f func(T) R) []R {
	results := make([]R, len(inputs))
	var left atomic.Int64
	left.Store(int64(len(inputs)))
	for i, in := range inputs {
		go func() {
			defer left.Add(-1)
			results[i] = f(in)
		}()
	}
	for left.Load() > 0 {
		time.Sleep(time.Second)
	}
	return results
}
