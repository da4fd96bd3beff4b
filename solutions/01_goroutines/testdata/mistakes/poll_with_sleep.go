// Package goroutines is the first exercise of the kit (a deliberately wrong
// implementation, used to check that the tests catch this mistake).
package goroutines

// Mistake: counts the goroutines still running with an atomic counter and polls it with a short sleep, waking up a thousand times a second instead of blocking until the last one is done
// Fails: TestRunAllWaitsForEveryTask:fail TestMapWaitsForEveryCall:fail TestCallsAreIndependent?

import (
	"sync/atomic"
	"time"
)

func RunAll(tasks ...func()) {
	var running atomic.Int64
	running.Add(int64(len(tasks)))
	for _, task := range tasks {
		go func() {
			defer running.Add(-1)
			task()
		}()
	}
	for running.Load() > 0 {
		time.Sleep(time.Millisecond)
	}
}

func Map[T, R any](inputs []T, f func(T) R) []R {
	results := make([]R, len(inputs))
	var running atomic.Int64
	running.Add(int64(len(inputs)))
	for i, in := range inputs {
		go func() {
			defer running.Add(-1)
			results[i] = f(in)
		}()
	}
	for running.Load() > 0 {
		time.Sleep(time.Millisecond)
	}
	return results
}
