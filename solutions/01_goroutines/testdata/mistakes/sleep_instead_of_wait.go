// Package goroutines is the first exercise of the kit (a deliberately wrong
// implementation, used to check that the tests catch this mistake).
package goroutines

// Mistake: starts every goroutine and then sleeps a moment "to let them finish" instead of waiting for them (time.Sleep is not join)
// Fails: TestRunAllWaitsForEveryTask:fail TestMapWaitsForEveryCall:fail TestCallsAreIndependent? TestManyQuickCallsOnRealScheduler?

import "time"

func RunAll(tasks ...func()) {
	for _, task := range tasks {
		go task()
	}
	time.Sleep(time.Nanosecond)
}

func Map[T, R any](inputs []T, f func(T) R) []R {
	results := make([]R, len(inputs))
	for i, in := range inputs {
		go func() {
			results[i] = f(in)
		}()
	}
	time.Sleep(time.Nanosecond)
	return results
}
