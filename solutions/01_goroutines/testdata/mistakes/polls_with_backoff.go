// Package goroutines is the first exercise of the kit: start several tasks at
// once, give each one its own argument, wait until every one of them has
// finished, and collect what they return.
package goroutines

// Mistake: RunAll and Map poll an atomic count of unfinished tasks, sleeping twice as long after every look, up to 5 seconds
// Fails: TestRunAllWaitsForEveryTask:fail TestMapWaitsForEveryCall:fail TestCallsAreIndependent? TestManyQuickCallsOnRealScheduler?

import (
	"sync/atomic"
	"time"
)

// BUG: polls a counter with exponential backoff (1ms doubling, capped at 5s).
func wait(left *atomic.Int64) {
	d := time.Millisecond
	for left.Load() > 0 {
		time.Sleep(d)
		if d < 5*time.Second {
			d *= 2
		}
	}
}

func RunAll(tasks ...func()) {
	var left atomic.Int64
	left.Store(int64(len(tasks)))
	for _, task := range tasks {
		go func() {
			defer left.Add(-1)
			task()
		}()
	}
	wait(&left)
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
	wait(&left)
	return results
}
